#include "engine/audio/peak_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast {

PeakLimiter::PeakLimiter(int sample_rate, double ceiling_dbtp, double lookahead_ms, double release_ms)
    : ceiling_(static_cast<float>(std::pow(10.0, ceiling_dbtp / 20.0))),
      window_(std::max(1, static_cast<int>(sample_rate * lookahead_ms / 1000.0))),
      release_(1.0 - std::exp(-1.0 / (sample_rate * release_ms / 1000.0))),
      q_val_(static_cast<size_t>(window_)),
      q_idx_(static_cast<size_t>(window_)),
      box_(static_cast<size_t>(window_), 1.0),
      box_sum_(window_) {
  for (auto& d : delay_) d.assign(static_cast<size_t>(delay()), 0.0f);
}

void PeakLimiter::set_ceiling(double ceiling_dbtp) { ceiling_ = static_cast<float>(std::pow(10.0, ceiling_dbtp / 20.0)); }

double PeakLimiter::gain_db() const { return 20.0 * std::log10(std::max(last_gain_, 1e-6f)); }

void PeakLimiter::process(float* const* planes, int samples) {
  const int cap = window_;
  const int len = delay();
  for (int i = 0; i < samples; ++i, ++n_) {
    const float peak = std::max(detect_[0].push(planes[0][i]), detect_[1].push(planes[1][i]));
    const float need = peak > ceiling_ ? ceiling_ / peak : 1.0f;
    // Sliding minimum: expired values leave the front, larger ones the back (≤ window_ stay).
    if (q_size_ > 0 && q_idx_[q_head_] <= n_ - window_) {
      q_head_ = (q_head_ + 1) % cap;
      --q_size_;
    }
    while (q_size_ > 0 && q_val_[(q_head_ + q_size_ - 1) % cap] >= need) --q_size_;
    q_val_[(q_head_ + q_size_) % cap] = need;
    q_idx_[(q_head_ + q_size_) % cap] = n_;
    ++q_size_;
    const double held = q_val_[q_head_];
    // Down at once (the moving average spreads it over the look-ahead), back up slowly.
    released_ = held < released_ ? held : released_ + (held - released_) * release_;
    box_sum_ += released_ - box_[box_pos_];
    box_[box_pos_] = released_;
    box_pos_ = (box_pos_ + 1) % window_;
    if (box_pos_ == 0) {  // re-add from scratch once per window: no rounding drift on a 24/7 stream
      box_sum_ = 0;
      for (double g : box_) box_sum_ += g;
    }
    const float gain = static_cast<float>(std::min(1.0, box_sum_ / window_));
    last_gain_ = gain;
    for (int c = 0; c < 2; ++c) {
      const float delayed = delay_[c][delay_pos_];
      delay_[c][delay_pos_] = planes[c][i];
      planes[c][i] = delayed * gain;
    }
    delay_pos_ = (delay_pos_ + 1) % len;
  }
}

}  // namespace loopcast
