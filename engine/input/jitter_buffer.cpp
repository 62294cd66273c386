#include "engine/input/jitter_buffer.hpp"

#include <atomic>

extern "C" {
#include <libavutil/samplefmt.h>
}

namespace loopcast {

JitterBuffer::JitterBuffer(int rate, int channels, double target_s, double max_s)
    : rate_(rate),
      channels_(channels),
      target_(static_cast<int>(target_s * rate)),
      max_(static_cast<int>(std::max(max_s, target_s + 0.1) * rate)),
      fifo_(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, max_ + rate)) {}

bool JitterBuffer::write(uint8_t* const* planes, int samples, bool blocking, const std::atomic<bool>& abort) {
  MutexLock lk(mu_);
  if (blocking) {
    space_.wait(lk.native(), [&] {
      mu_.assert_held();
      return abort.load() || av_audio_fifo_size(fifo_.get()) + samples <= max_;
    });
    if (abort.load()) return false;
  }
  av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(const_cast<uint8_t**>(planes)), samples);
  if (int excess = av_audio_fifo_size(fifo_.get()) - max_; excess > 0) {
    // Live source ahead of us (connect burst): keep latency bounded, drop down to the target.
    int drop = av_audio_fifo_size(fifo_.get()) - target_;
    av_audio_fifo_drain(fifo_.get(), drop);
    dropped_ += drop;
  }
  return true;
}

int JitterBuffer::read(uint8_t* const* out, int samples) {
  int got = 0;
  {
    MutexLock lk(mu_);
    int level = av_audio_fifo_size(fifo_.get());
    if (buffering_ && level >= target_) buffering_ = false;
    if (!buffering_) {
      got = av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(const_cast<uint8_t**>(out)), samples);
      if (got < samples) {
        buffering_ = true;  // ran dry: rebuild the cushion before playing again
        ++underruns_;
      }
    }
  }
  space_.notify_one();
  if (got < samples)
    av_samples_set_silence(const_cast<uint8_t**>(out), got, samples - got, channels_, AV_SAMPLE_FMT_FLTP);
  return got;
}

double JitterBuffer::level() const {
  MutexLock lk(mu_);
  return static_cast<double>(av_audio_fifo_size(fifo_.get())) / rate_;
}

bool JitterBuffer::playing() const {
  MutexLock lk(mu_);
  return !buffering_ || av_audio_fifo_size(fifo_.get()) >= target_;
}

void JitterBuffer::clear() {
  {
    MutexLock lk(mu_);
    av_audio_fifo_reset(fifo_.get());
    buffering_ = true;
  }
  space_.notify_all();
}

// Counters are written under the lock by the feed and read by status snapshots on other threads.
uint64_t JitterBuffer::underruns() const {
  MutexLock lk(mu_);
  return underruns_;
}

uint64_t JitterBuffer::dropped_samples() const {
  MutexLock lk(mu_);
  return dropped_;
}

void JitterBuffer::wake() { space_.notify_all(); }

}  // namespace loopcast
