// EBU R128 / ITU-R BS.1770 loudness of a planar-float stereo signal, measured by libebur128 (the
// reference implementation FFmpeg's own ebur128 filter was checked against). Always in histogram
// mode: integrated loudness and loudness range then cost constant memory however long the stream
// runs (the block-list mode grows by ~10 blocks a second, forever, on a 24/7 stream).
#pragma once
#include <cstdint>
#include <vector>

#include "engine/audio/loudness_status.hpp"

#include <ebur128.h>

namespace loopcast {

class LoudnessMeter {
 public:
  enum class Scope { full, short_term };  // short_term: momentary + short-term only (cheaper)
  LoudnessMeter(int sample_rate, Scope scope = Scope::full);
  ~LoudnessMeter();
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;

  // Adds `samples` samples of two planes (left, right).
  void add(const float* const* planes, int samples);
  double momentary() const;
  double short_term() const;
  // Every value of the reading (integrated and LRA walk the histograms: call it a few times a
  // second, not per chunk).
  LoudnessReading read() const;

 private:
  ebur128_state* st_ = nullptr;
  Scope scope_;
  int rate_;
  std::vector<float> interleaved_;
  // True peaks of the last 3 s: one maximum per 100 ms slot, the current slot last.
  std::vector<double> peak_slots_;
  int64_t slot_samples_ = 0;
};

double to_db(double linear);  // 20·log10, -inf for 0

}  // namespace loopcast
