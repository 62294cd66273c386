// Keeps a stream's YouTube broadcast on air with no one at the keyboard. A thread per stream
// looks every `poll` seconds at the liveStream whose streamName is the stream key (status,
// health, configuration issues) and at the broadcast bound to it; when none is live or starting
// (none, complete, revoked) it inserts one, binds it and makes it live. Its state is its own
// section of the stream's status (a StreamPart); it reads the song on air, and nothing else: whatever
// YouTube answers, the RTMP output is never touched.
//
// States: starting → ok ⇄ recovering; any → error (backoff, then a fresh look) or
// quota_exhausted (until the reset at midnight Pacific); stop() → off.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <optional>
#include <string>
#include <thread>

#include "api/youtube/api_http.hpp"
#include "api/youtube/oauth.hpp"
#include "api/youtube/quota.hpp"
#include "api/youtube/youtube_client.hpp"
#include "base/backoff.hpp"
#include "base/thread_annotations.hpp"
#include "control/config/config.hpp"
#include "control/status/stream_part.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

struct YouTubeWatchOptions {
  YouTubeConfig cfg;
  std::string stream_key;  // the liveStream's cdn.ingestionInfo.streamName (a secret)
  std::string station;     // {station} in the title
  double io_timeout = 10;  // one API call
  Backoff backoff{2.0, 2.0, 120.0};
};

// "{station} – 24/7" → "Radio X – 24/7"; {date} is the UTC date; {song} the song on air (the
// template gets " – {song}" appended when song titles are on and it has no {song}). At most 100
// characters, without '<' and '>' (YouTube refuses them in titles).
std::string render_title(const std::string& tmpl, const std::string& station, const std::string& date, const std::string& song,
                         bool with_song);

// The stream key from a publish URL (its last path segment), else LOOPCAST_STREAM_KEY's value.
std::string youtube_stream_key(const std::vector<std::string>& outputs, const std::string& env_key);

class YouTubeWatch final : public StreamPart {
 public:
  YouTubeWatch(Controller& ctl, YouTubeWatchOptions opts);
  ~YouTubeWatch() override;
  YouTubeWatch(const YouTubeWatch&) = delete;
  YouTubeWatch& operator=(const YouTubeWatch&) = delete;

  void start();
  void stop();  // ends a call in flight and the thread; returns within a moment
  YouTubeStatus status() const EXCLUDES(mu_);
  void into(StatusSnapshot& s) const override { s.youtube = status(); }
  void close() override { stop(); }
  Closes closes() const override { return Closes::before_pipeline; }

 private:
  void run();
  double cycle();  // one look (and recovery step); the seconds to wait before the next
  Result<std::optional<BroadcastInfo>> find_bound(const LiveStreamInfo& stream);  // none: nothing alive is bound
  double recover(const LiveStreamInfo& stream, std::optional<BroadcastInfo> bound);
  void follow_song(const BroadcastInfo& live);
  double failed(const std::string& error);  // state from the client's last fault; the wait
  void set_state(const std::string& state, const std::string& error = {}) EXCLUDES(mu_);
  void publish() EXCLUDES(mu_);  // the quota figures into st_
  int reserve(SysSeconds now);  // units the watch needs until the reset
  double per_poll_seconds(SysSeconds now);

  Controller& ctl_;
  const YouTubeWatchOptions opts_;
  ApiHttp http_;
  OAuth auth_;
  std::shared_ptr<QuotaBudget> quota_;  // shared by the streams of one OAuth client (quota.hpp)
  YouTubeClient client_;  // the watch thread's alone
  std::atomic<bool> stop_{false};
  mutable Mutex mu_;  // guards st_
  std::condition_variable cv_;
  YouTubeStatus st_ GUARDED_BY(mu_);
  std::thread thread_;
  // The watch thread's own memory between looks.
  std::string known_id_;                                                // the broadcast last seen bound to our stream
  std::string inserted_id_;                                             // inserted, not yet bound (a failed bind is retried on it)
  std::optional<std::chrono::steady_clock::time_point> off_air_since_;  // no live broadcast seen since
  int attempt_ = 0;                                                     // failures in a row (backoff)
  int polls_ = 0;
  std::string song_shown_;  // the song last written into the title
  std::chrono::steady_clock::time_point song_at_{};
};

}  // namespace loopcast
