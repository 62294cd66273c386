// The station's audio: an input thread that opens the URL (Icecast/HTTP MP3, AAC, Ogg) or a local
// file, decodes, resamples to the output format and fills a jitter buffer. Any input fault is
// handled here — log, count, back off, reconnect — while the pipeline keeps reading silence.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/input/audio_feed.hpp"
#include "base/av.hpp"
#include "base/interrupt.hpp"
#include "engine/input/jitter_buffer.hpp"
#include "engine/input/station_options.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

class StationFeed final : public AudioFeed {
 public:
  // A new ICY StreamTitle and the seconds until listeners hear the audio it belongs to (the
  // buffered audio and the station's bytes before the title that are not decoded yet).
  using TitleHandler = std::function<void(const std::string& title, double heard_in_s)>;
  // `fallback` (optional) is played while the station is down.
  StationFeed(std::string url, const StationOptions& opt, TitleHandler on_title,
              std::unique_ptr<StationFeed> fallback = nullptr);
  ~StationFeed() override;
  void start() override;
  void stop() override;
  void read(uint8_t* const* planes, int samples) override;
  AudioFeedStatus status() const override;

 private:
  void run();
  Status session();  // one connection: open, decode until error/EOF
  Status convert_and_buffer(AVFrame* frame);
  void check_icy(AVFormatContext* fmt, int pending_bytes);
  double title_heard_in(AVFormatContext* fmt, int pending_bytes) const;
  void set_state(AudioState s, const std::string& err = {});
  void sleep_interruptible(double seconds);
  void crossfade_from_fallback(float* const* planes, int samples);
  void crossfade_to_fallback(float* const* planes, int samples, int got);

  const std::string url_;
  const bool live_;
  const int rate_;
  const double io_timeout_;
  const double target_;
  const Backoff backoff_;
  TitleHandler on_title_;
  std::unique_ptr<StationFeed> fallback_;
  JitterBuffer buffer_;
  std::atomic<bool> stop_{false};
  IoDeadline deadline_{stop_};
  std::thread thread_;

  SwrPtr swr_;
  AVChannelLayout swr_in_layout_{};
  int swr_in_rate_ = 0;
  int swr_in_fmt_ = -1;
  int comp_delta_ = 0;
  int64_t since_comp_ = 0;
  uint8_t** conv_ = nullptr;  // planar float scratch, reused
  int conv_cap_ = 0;
  std::string last_icy_;

  bool ever_connected_ = false;  // feed thread only
  bool session_starts_ = false;  // feed thread only: the next samples begin a new session or file pass

  // Pipeline thread only (read()): which source listeners heard last, and the other source's
  // samples for an equal-power crossfade where the two meet (allocated once).
  bool station_on_air_ = false;
  std::vector<float> cross_l_, cross_r_;

  mutable Mutex mu_;
  AudioState state_ GUARDED_BY(mu_) = AudioState::connecting;
  std::string last_error_ GUARDED_BY(mu_);
  std::string icy_title_ GUARDED_BY(mu_);
  int reconnects_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
