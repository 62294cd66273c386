// The slow gain that brings a station to the loudness target: it follows the station's short-term
// loudness (measured before the gain) at a gentle rate, so a quiet intro or a loud chorus stays
// as mixed and only the station's overall level moves. Policy only; the meter is libebur128's.
#pragma once

namespace loopcast {

class Leveler {
 public:
  static constexpr double kMaxBoost = 15;      // dB: a -30 LUFS station reaches -15
  static constexpr double kMaxCut = 20;        // dB
  static constexpr double kSilence = -50;      // LUFS: quieter is silence: hold the gain
  static constexpr double kGate = 10;          // LU: the last 400 ms this far under the last 3 s: a pause or fade, hold
  static constexpr double kSettleRate = 20;    // dB/s until first on target (the first second)
  static constexpr double kTrackRate = 0.5;    // dB/s afterwards
  static constexpr double kDeadband = 1;       // LU: closer than this to the target, hold ...
  static constexpr double kArrived = 0.1;      // LU: ... once a move has got this close

  Leveler(double target_lufs, int sample_rate) : target_(target_lufs), rate_(sample_rate) {}
  // Moves the gain for this chunk from the input's loudness (momentary while settling, then
  // short-term) and applies it, ramped linearly from the previous chunk's gain (no zipper noise).
  void process(float* const* planes, int samples, double momentary, double short_term);
  double gain_db() const { return gain_db_; }
  bool settled() const { return settled_; }

 private:
  double target_;
  int rate_;
  double gain_db_ = 0;
  bool settled_ = false;  // reached the target once (the fast first approach is over)
  bool moving_ = false;
  long long seen_ = 0;  // samples in so far: momentary loudness means something after 400 ms
};

}  // namespace loopcast
