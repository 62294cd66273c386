#include "engine/audio/loudness_stage.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast {

LoudnessStage::LoudnessStage(int sample_rate, std::optional<double> target_lufs)
    : rate_(sample_rate), target_(target_lufs), sent_(sample_rate) {
  published_.target = target_;
  if (!target_) return;
  input_ = std::make_unique<LoudnessMeter>(sample_rate, LoudnessMeter::Scope::short_term);
  leveler_ = std::make_unique<Leveler>(*target_, sample_rate);
  ceiling_ = headroom_.ceiling_dbtp(0);
  limiter_ = std::make_unique<PeakLimiter>(sample_rate, ceiling_);
}

void LoudnessStage::heard_encoded(float peak) {
  if (!limiter_ || peak <= 0) return;
  const double db = 20.0 * std::log10(peak);
  encoded_max_ = std::max(encoded_max_, db);
  headroom_.observe(db, ceiling_, samples_);
}

void LoudnessStage::process(float* const* planes, int samples) {
  if (leveler_) {
    if (const double c = headroom_.ceiling_dbtp(samples_); c != ceiling_) limiter_->set_ceiling(ceiling_ = c);
    input_->add(planes, samples);
    leveler_->process(planes, samples, input_->momentary(), input_->short_term());
    limiter_->process(planes, samples);
  }
  sent_.add(planes, samples);
  samples_ += samples;
  // Published about every 100 ms: integrated loudness and LRA walk libebur128's histograms.
  if (++chunks_ * samples < rate_ / 10) return;
  chunks_ = 0;
  LoudnessStatus s;
  s.sent = sent_.read();
  s.target = target_;
  if (leveler_) {
    s.gain_db = leveler_->gain_db();
    s.limiter_db = limiter_->gain_db();
    s.ceiling = ceiling_;
    s.encoded_true_peak_max = encoded_max_;
  }
  MutexLock lk(mu_);
  published_ = s;
}

LoudnessStatus LoudnessStage::status() const {
  MutexLock lk(mu_);
  return published_;
}

}  // namespace loopcast
