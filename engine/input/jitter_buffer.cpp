#include "engine/input/jitter_buffer.hpp"

#include <algorithm>
#include <atomic>

#include "engine/audio/fade.hpp"

extern "C" {
#include <libavutil/samplefmt.h>
}

namespace loopcast {

JitterBuffer::JitterBuffer(int rate, int channels, double target_s, double max_s)
    : rate_(rate),
      channels_(channels),
      target_(static_cast<int>(target_s * rate)),
      max_(static_cast<int>(std::max(max_s, target_s + 0.1) * rate)),
      fade_(std::max(1, fade::ramp_samples(rate))),
      fifo_(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, max_ + rate)) {}

void JitterBuffer::add_ramp_locked(int64_t start, bool in) {
  // Ramps already read past are finished; the oldest gives way if (unexpectedly) all are pending.
  int kept = 0;
  for (int i = 0; i < ramp_count_; ++i)
    if (ramps_[i].start + fade_ > read_pos_) ramps_[kept++] = ramps_[i];
  ramp_count_ = kept;
  if (ramp_count_ == kMaxRamps) {
    std::copy(ramps_ + 1, ramps_ + kMaxRamps, ramps_);
    --ramp_count_;
  }
  ramps_[ramp_count_++] = Ramp{start, in};
}

// Samples out[from, from + count) are the stream's samples [pos, pos + count).
void JitterBuffer::apply_ramps_locked(float* const* out, int from, int count, int64_t pos) {
  for (int i = 0; i < ramp_count_; ++i) {
    const Ramp& r = ramps_[i];
    const int64_t lo = std::max(pos, r.start), hi = std::min(pos + count, r.start + fade_);
    if (lo >= hi) continue;
    const int at = from + static_cast<int>(lo - pos), n = static_cast<int>(hi - lo), step = static_cast<int>(lo - r.start);
    if (r.in) fade::apply_in(out, channels_, at, n, step, fade_);
    else fade::apply_out(out, channels_, at, n, step, fade_);
  }
}

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
  write_pos_ += samples;
  if (int excess = av_audio_fifo_size(fifo_.get()) - max_; excess > 0 && skip_at_ < 0) {
    // More than the buffer may hold (a burst past its size, or a clock far off): drop down to the
    // target, but not at the read head, where the jump would be heard: the next fade_ samples fade
    // out, the audio after them is skipped, and what follows fades in (read_segments_locked).
    const int drop = av_audio_fifo_size(fifo_.get()) - target_ - fade_;
    if (drop > 0) {
      skip_at_ = read_pos_ + fade_;
      skip_len_ = drop;
      add_ramp_locked(read_pos_, false);
      dropped_ += static_cast<uint64_t>(drop);
    }
  }
  return true;
}

void JitterBuffer::mark_discontinuity() {
  MutexLock lk(mu_);
  const int64_t level = write_pos_ - read_pos_;
  if (level <= 0) return;
  if (buffering_) {
    // Refilling: nothing plays before the new audio, and the refill fades in anyway. But an underrun
    // may have left a few of the old connection's samples to play first; they would meet the new
    // audio inside that fade-in (a step listeners hear as a click), so they go.
    av_audio_fifo_reset(fifo_.get());
    read_pos_ = write_pos_;
    skip_at_ = -1;
    return;
  }
  add_ramp_locked(write_pos_ - std::min<int64_t>(fade_, level), false);
  add_ramp_locked(write_pos_, true);
}

// Reads up to `samples`, stopping at a pending skip to drop the skipped audio there. Ramps are
// applied per segment, at the stream positions the segment holds.
int JitterBuffer::read_segments_locked(uint8_t* const* out, int samples) {
  auto** planes = reinterpret_cast<float**>(const_cast<uint8_t**>(out));
  int got = 0;
  while (got < samples) {
    if (skip_at_ >= 0 && read_pos_ >= skip_at_) {
      const int n = std::min(skip_len_, av_audio_fifo_size(fifo_.get()));
      av_audio_fifo_drain(fifo_.get(), n);
      read_pos_ += n;
      skip_at_ = -1;
      add_ramp_locked(read_pos_, true);
    }
    int want = samples - got;
    if (skip_at_ >= 0) want = static_cast<int>(std::min<int64_t>(want, skip_at_ - read_pos_));
    float* seg[8];
    for (int c = 0; c < channels_ && c < 8; ++c) seg[c] = planes[c] + got;
    const int n = av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(seg), want);
    if (n <= 0) break;
    apply_ramps_locked(planes, got, n, read_pos_);
    read_pos_ += n;
    got += n;
  }
  return got;
}

int JitterBuffer::read(uint8_t* const* out, int samples) {
  int got = 0;
  {
    MutexLock lk(mu_);
    if (buffering_ && av_audio_fifo_size(fifo_.get()) >= target_) {
      buffering_ = false;
      add_ramp_locked(read_pos_, true);  // refilled: the music comes back without a step
    }
    if (!buffering_ && samples > 0) {
      got = read_segments_locked(out, samples);
      // Running dry now, or so nearly that the next read could not fade: fade out what this read
      // gives and rebuild the cushion (the few samples left play after the refill, faded in).
      if (got < samples || av_audio_fifo_size(fifo_.get()) < fade_) {
        const int n = std::min(got, fade_);
        fade::apply_out(reinterpret_cast<float* const*>(out), channels_, got - n, n, fade_ - n, fade_);
        buffering_ = true;
        ++underruns_;
      }
    }
  }
  space_.notify_one();
  if (got < samples)
    av_samples_set_silence(const_cast<uint8_t**>(out), got, samples - got, channels_, AV_SAMPLE_FMT_FLTP);
  return got;
}

// What will be heard: audio waiting to be skipped after an overflow does not count.
double JitterBuffer::level() const {
  MutexLock lk(mu_);
  const int size = av_audio_fifo_size(fifo_.get());
  return static_cast<double>(size - (skip_at_ >= 0 ? std::min(skip_len_, size) : 0)) / rate_;
}

bool JitterBuffer::playing() const {
  MutexLock lk(mu_);
  return !buffering_ || av_audio_fifo_size(fifo_.get()) >= target_;
}

void JitterBuffer::clear() {
  {
    MutexLock lk(mu_);
    av_audio_fifo_reset(fifo_.get());
    read_pos_ = write_pos_;
    skip_at_ = -1;
    ramp_count_ = 0;
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
