// Thread-safe PCM buffer between the audio input thread and the pipeline. An empty buffer yields
// silence, never a stall; after running dry it refills to the target level before playing again,
// so a jittery network gives one clean gap instead of crackle.
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
  // `max_s`: live mode drops the oldest audio beyond it (a connect burst), file mode blocks.
  JitterBuffer(int rate, int channels, double target_s, double max_s);

  // Producer side. Live: never blocks. Blocking (file) mode: waits while the buffer is above max_s
  // or until `abort` is set; returns false on abort.
  bool write(uint8_t* const* planes, int samples, bool blocking, const std::atomic<bool>& abort);
  // Consumer side: fills `out` planes with `samples` samples; silence where the buffer is short.
  // Returns how many real samples were delivered.
  int read(uint8_t* const* out, int samples);

  double level() const;  // seconds buffered
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
  mutable Mutex mu_;
  std::condition_variable space_;
  AudioFifoPtr fifo_ GUARDED_BY(mu_);  // the pointer is set once; the FIFO behind it is guarded
  bool buffering_ GUARDED_BY(mu_) = true;
  uint64_t underruns_ GUARDED_BY(mu_) = 0;
  uint64_t dropped_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
