// What the sound stage reports of the audio as sent: EBU R128 loudness and true peak, and what the
// leveler and limiter do to reach the target. Plain values, shared by status.json, metrics and SSE.
#pragma once
#include <cmath>
#include <optional>

namespace loopcast {

// Loudness in LUFS/LU, peaks in dBTP; -inf where nothing is measurable (silence, too short).
struct LoudnessReading {
  double momentary = -INFINITY;      // last 400 ms
  double short_term = -INFINITY;     // last 3 s
  double integrated = -INFINITY;     // since the stream started, gated (BS.1770-4)
  double range = 0;                  // loudness range (LRA), LU
  double true_peak = -INFINITY;      // highest true peak of the last 3 s
  double true_peak_max = -INFINITY;  // highest true peak since the stream started
};

struct LoudnessStatus {
  LoudnessReading sent;          // measured on the samples the encoder gets
  std::optional<double> target;  // LUFS; none = measuring only
  double gain_db = 0;            // the leveler's gain
  double limiter_db = 0;         // the limiter's gain now (<= 0 dB)
  double ceiling = NAN;          // dBTP the limiter holds now (the encoder's headroom below -1 dBTP)
  double encoded_true_peak_max = -INFINITY;  // dBTP of the AAC as decoded, since the stream started
};

}  // namespace loopcast
