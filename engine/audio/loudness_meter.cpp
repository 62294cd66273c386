#include "engine/audio/loudness_meter.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loopcast {
namespace {
constexpr int kPeakSlots = 30;  // 30 × 100 ms: the true peak shown beside the 3 s short-term
}

double to_db(double linear) { return linear > 0 ? 20.0 * std::log10(linear) : -INFINITY; }

LoudnessMeter::LoudnessMeter(int sample_rate, Scope scope) : scope_(scope), rate_(sample_rate) {
  int mode = EBUR128_MODE_S | EBUR128_MODE_HISTOGRAM;
  if (scope == Scope::full) mode |= EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK;
  st_ = ebur128_init(2, static_cast<unsigned long>(sample_rate), mode);
  // Only an allocation failure or an absurd rate gets here; the config has checked the rate.
  if (!st_) throw std::runtime_error("libebur128: cannot create a meter");
  peak_slots_.assign(1, 0.0);
}

LoudnessMeter::~LoudnessMeter() { ebur128_destroy(&st_); }

void LoudnessMeter::add(const float* const* planes, int samples) {
  interleaved_.resize(static_cast<size_t>(samples) * 2);
  for (int i = 0; i < samples; ++i) {
    interleaved_[2 * i] = planes[0][i];
    interleaved_[2 * i + 1] = planes[1][i];
  }
  ebur128_add_frames_float(st_, interleaved_.data(), static_cast<size_t>(samples));
  if (scope_ != Scope::full) return;
  double l = 0, r = 0;
  ebur128_prev_true_peak(st_, 0, &l);
  ebur128_prev_true_peak(st_, 1, &r);
  peak_slots_.back() = std::max({peak_slots_.back(), l, r});
  slot_samples_ += samples;
  if (slot_samples_ >= rate_ / 10) {
    slot_samples_ = 0;
    if (peak_slots_.size() == kPeakSlots) peak_slots_.erase(peak_slots_.begin());
    peak_slots_.push_back(0.0);
  }
}

double LoudnessMeter::momentary() const {
  double v = -HUGE_VAL;
  ebur128_loudness_momentary(st_, &v);
  return v;
}

double LoudnessMeter::short_term() const {
  double v = -HUGE_VAL;
  ebur128_loudness_shortterm(st_, &v);
  return v;
}

LoudnessReading LoudnessMeter::read() const {
  LoudnessReading r;
  r.momentary = momentary();
  r.short_term = short_term();
  if (scope_ != Scope::full) return r;
  double v = -HUGE_VAL;
  if (ebur128_loudness_global(st_, &v) == EBUR128_SUCCESS) r.integrated = v;
  v = 0;
  if (ebur128_loudness_range(st_, &v) == EBUR128_SUCCESS && std::isfinite(v)) r.range = v;
  r.true_peak = to_db(*std::max_element(peak_slots_.begin(), peak_slots_.end()));
  double l = 0, rr = 0;
  ebur128_true_peak(st_, 0, &l);
  ebur128_true_peak(st_, 1, &rr);
  r.true_peak_max = to_db(std::max(l, rr));
  return r;
}

}  // namespace loopcast
