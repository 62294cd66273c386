// Generated audio for the embedded default (no station given): a soft 440 Hz tone that pulses
// once a second, so a listener (or a test) hears that the stream is alive and in time.
#pragma once
#include "engine/input/audio_feed.hpp"

namespace loopcast {

class ToneFeed final : public AudioFeed {
 public:
  explicit ToneFeed(int rate) : rate_(rate) {}
  void read(uint8_t* const* planes, int samples) override;
  AudioFeedStatus status() const override { return {AudioState::tone, "generated 440 Hz tone"}; }

 private:
  int rate_;
  int64_t n_ = 0;
};

}  // namespace loopcast
