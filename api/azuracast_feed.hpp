// Follows an AzuraCast station without a webhook. One REST call (GET /api/nowplaying/STATION) at
// start, before the stream opens, so its first frame shows the right loop, and again after every
// pipeline restart; then AzuraCast's live feed (Centrifugo over SSE), reconnecting with backoff and
// polling REST every poll_interval while the live feed is down. Every song goes to
// Controller::track_changed, like the webhook's, with source "azuracast-rest" or "azuracast-sse".
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <string>
#include <thread>

#include "api/azuracast.hpp"
#include "base/backoff.hpp"
#include "base/thread_annotations.hpp"
#include "control/status/stream_part.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

struct FeedOptions {
  std::string base_url;       // https://radio.example
  std::string station;        // shortcode
  double io_timeout = 10;     // a request; or silence on the live feed beyond its ping interval
  double poll_interval = 15;  // REST while the live feed is down (AzuraCast caches it 15 s)
  double restart_check = 0.5; // how often the pipeline's restart count is looked at
  Backoff backoff{1.0, 2.0, 30.0};
};

// A song older than the one on air (AzuraCast's REST answer is cached up to 15 s, so it can lag
// the live feed): both played_at known and the incoming one earlier.
bool older_than(const TrackInfo& incoming, const TrackInfo& on_air);

class AzuraCastFeed final : public StreamPart {
 public:
  AzuraCastFeed(Controller& ctl, FeedOptions opts);
  ~AzuraCastFeed() override;
  AzuraCastFeed(const AzuraCastFeed&) = delete;
  AzuraCastFeed& operator=(const AzuraCastFeed&) = delete;

  // The REST call (bounded by io_timeout), a bounded wait for the switch it queued to be
  // prepared, then the live-feed and REST threads.
  void start();
  // Every blocking call ends on stop: returns within a few hundred ms (a DNS lookup aside).
  void stop();
  TriggerStatus status() const;
  void into(StatusSnapshot& s) const override { s.trigger = status(); }  // status "trigger"
  void close() override { stop(); }
  Closes closes() const override { return Closes::before_pipeline; }

 private:
  enum class Live { connecting, up, down };  // connecting: never up yet
  struct Session;

  void follow_loop();
  Status follow_once();
  Status on_event(const std::string& data, Session& s);
  void poll_loop();
  void poll_once();
  void deliver(NowPlaying np, TrackSource source);
  // Before the stream opens: the loop the first REST answer asked for is being opened off-thread;
  // give it io_timeout to be on air so the first frame shows it. A delayed switch keeps its time.
  void wait_for_switch();
  void set_live(Live l, const std::string& error = {});
  void set_poll(bool ok, const std::string& error = {});
  void publish_locked() REQUIRES(mu_);  // the state word from live_ and poll_ok_

  Controller& ctl_;
  const FeedOptions opts_;
  const std::string channel_, rest_url_, sse_url_;
  std::atomic<bool> stop_{false};
  Mutex deliver_mu_ ACQUIRED_BEFORE(mu_);  // one song at a time: the staleness check and the hand-over are one step
  mutable Mutex mu_;  // guards the five below
  std::condition_variable cv_;
  TriggerStatus st_ GUARDED_BY(mu_);
  Live live_ GUARDED_BY(mu_) = Live::connecting;
  std::chrono::steady_clock::time_point up_since_ GUARDED_BY(mu_);
  bool poll_ok_ GUARDED_BY(mu_) = false;
  SwitchWait switch_ GUARDED_BY(mu_);  // the last song's switch: start() waits for it to be on air
  std::thread sse_thread_, rest_thread_;
};

}  // namespace loopcast
