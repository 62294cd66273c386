// Thread-safe PCM buffer between the audio input thread and the pipeline. An empty buffer yields
// silence, never a stall; after running dry it refills to the target level before playing again,
// so a jittery network gives one clean gap instead of crackle. Every discontinuity it makes or is
// told about is faded (engine/audio/fade.hpp): out before an underrun, in after a refill, a dip
// where a new session's audio meets the old one's, around audio dropped on overflow.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>

#include "base/thread_annotations.hpp"
#include "base/av.hpp"

namespace loopcast {

class JitterBuffer {
 public:
  // Planar float, `channels` channels at `rate`. `target_s`: level to (re)build before playing.
  // `max_s`: the most it holds. A connect burst up to it is kept (played late, not lost; the
  // feed's drift control brings the level back to the target); live audio past it is dropped down to
  // the target, faded; file mode blocks instead.
  JitterBuffer(int rate, int channels, double target_s, double max_s);

  // Producer side. Live: never blocks. Blocking (file) mode: waits while the buffer is above max_s
  // or until `abort` is set; returns false on abort.
  bool write(uint8_t* const* planes, int samples, bool blocking, const std::atomic<bool>& abort);
  // Consumer side: fills `out` planes with `samples` samples; silence where the buffer is short.
  // Returns how many real samples were delivered; when the buffer ran dry in this read the last
  // fade_len() of them fade out (a crossfade partner starts there).
  int read(uint8_t* const* out, int samples);
  // The producer's next samples do not continue the previous ones (a new connection): they fade in
  // after the buffered audio fades out; while refilling, what is left of the old audio is dropped.
  void mark_discontinuity();
  int fade_len() const { return fade_; }

  double level() const;  // seconds buffered (that will be heard)
  bool playing() const;  // false while (re)buffering: the pipeline hears silence
  void clear();          // drop everything (source changed), rebuffer before playing
  uint64_t underruns() const;
  uint64_t dropped_samples() const;
  void wake();           // release a blocked producer (shutdown)

 private:
  int rate_;
  int channels_;
  int target_;
  int max_;
  int fade_;
  // A ramp on the stream of samples written, at an absolute sample position (reads follow it).
  struct Ramp {
    int64_t start = 0;
    bool in = true;
  };
  mutable Mutex mu_;
  int64_t read_pos_ GUARDED_BY(mu_) = 0;   // samples read or skipped since construction
  int64_t write_pos_ GUARDED_BY(mu_) = 0;  // samples written
  int64_t skip_at_ GUARDED_BY(mu_) = -1;   // overflow: audio dropped from here, after a fade-out
  int skip_len_ GUARDED_BY(mu_) = 0;
  static constexpr int kMaxRamps = 8;
  Ramp ramps_[kMaxRamps] GUARDED_BY(mu_);
  int ramp_count_ GUARDED_BY(mu_) = 0;
  void add_ramp_locked(int64_t start, bool in) REQUIRES(mu_);
  void apply_ramps_locked(float* const* out, int from, int count, int64_t pos) REQUIRES(mu_);
  int read_segments_locked(uint8_t* const* out, int samples) REQUIRES(mu_);

  std::condition_variable space_;
  AudioFifoPtr fifo_ GUARDED_BY(mu_);  // the pointer is set once; the FIFO behind it is guarded
  bool buffering_ GUARDED_BY(mu_) = true;
  uint64_t underruns_ GUARDED_BY(mu_) = 0;
  uint64_t dropped_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
