#include "api/azuracast_feed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <vector>

#include "api/avio_http.hpp"
#include "api/centrifugo.hpp"
#include "base/log.hpp"
#include "base/redact.hpp"
#include "base/time_text.hpp"

namespace loopcast {
namespace {
using Clock = std::chrono::steady_clock;
constexpr double kDefaultPing = 25;  // Centrifugo's default, until the connect message says
constexpr double kMaxPing = 120;     // a longer interval is treated as this (rw_timeout backstop)

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string trim_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string sse_url(const std::string& base, const std::string& channel) {
  return fmt::format("{}/api/live/nowplaying/sse?cf_connect={}", base,
                     percent_encode(fmt::format(R"({{"subs":{{"{}":{{"recover":true}}}}}})", channel)));
}
}  // namespace

bool older_than(const TrackInfo& incoming, const TrackInfo& on_air) {
  return incoming.played_at > 0 && on_air.played_at > 0 && incoming.played_at < on_air.played_at;
}

// One live-feed connection: what its messages have told so far.
struct AzuraCastFeed::Session {
  bool connected = false;  // the connect message arrived
  int pings = 0;
  double silence;          // longest wait for the next bytes (ping interval + io_timeout once known)
};

AzuraCastFeed::AzuraCastFeed(Controller& ctl, FeedOptions opts)
    : ctl_(ctl),
      opts_(std::move(opts)),
      channel_("station:" + opts_.station),
      rest_url_(fmt::format("{}/api/nowplaying/{}", trim_slashes(opts_.base_url), opts_.station)),
      sse_url_(sse_url(trim_slashes(opts_.base_url), channel_)) {
  st_.source = "azuracast";
  st_.url = redact_url(trim_slashes(opts_.base_url));
  st_.station = opts_.station;
}

AzuraCastFeed::~AzuraCastFeed() { stop(); }

void AzuraCastFeed::start() {
  {
    MutexLock lk(mu_);
    publish_locked();
    log::info("azuracast", "following station '{}' at {}", opts_.station, st_.url);
  }
  poll_once();
  wait_for_switch();
  sse_thread_ = std::thread([this] { follow_loop(); });
  rest_thread_ = std::thread([this] { poll_loop(); });
}

void AzuraCastFeed::stop() {
  {
    MutexLock lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (sse_thread_.joinable()) sse_thread_.join();
  if (rest_thread_.joinable()) rest_thread_.join();
  MutexLock lk(mu_);
  if (st_.state == TriggerState::off) return;
  live_ = Live::down;
  poll_ok_ = false;
  st_.state = TriggerState::off;
}

TriggerStatus AzuraCastFeed::status() const {
  MutexLock lk(mu_);
  return st_;
}

void AzuraCastFeed::publish_locked() {
  if (stop_) return;
  st_.state = live_ == Live::up           ? TriggerState::live
              : live_ == Live::connecting ? TriggerState::connecting
              : poll_ok_                  ? TriggerState::polling
                                          : TriggerState::reconnecting;
}

void AzuraCastFeed::set_live(Live l, const std::string& error) {
  MutexLock lk(mu_);
  if (!error.empty()) st_.last_error = redact_text(error);
  if (l == Live::down && live_ != Live::down) ++st_.reconnects;
  if (l == Live::up) up_since_ = std::chrono::steady_clock::now();
  live_ = l;
  publish_locked();
  cv_.notify_all();  // the REST thread polls while the live feed is down
}

void AzuraCastFeed::set_poll(bool ok, const std::string& error) {
  MutexLock lk(mu_);
  if (!error.empty()) st_.last_error = redact_text(error);
  poll_ok_ = ok;
  publish_locked();
}

// Hands a song over like the webhook does (the Supervisor ignores repeats and applies the switch
// delay and played_at); a REST answer older than the song on air is dropped.
void AzuraCastFeed::deliver(NowPlaying np, TrackSource source) {
  MutexLock dk(deliver_mu_);
  np.track.source = source;
  // The live feed is in order; only a (cached) REST answer can lag behind the song on air.
  if (source == TrackSource::azuracast_rest && older_than(np.track, ctl_.status().track)) {
    log::debug("azuracast", "{}: '{}' is older than the song on air; ignored", to_string(source), np.track.text);
  } else if (auto w = ctl_.track_changed(np.track); !w) {
    log::warn("azuracast", "track change refused: {}", w.error());
  } else {
    MutexLock lk(mu_);
    switch_ = *w;
  }
  MutexLock lk(mu_);  // counted once handed over: a test seeing the count sees its effect
  ++st_.updates;
  st_.last_update = iso_now();
  publish_locked();
}

void AzuraCastFeed::poll_once() {
  auto body = http_get(rest_url_, stop_, opts_.io_timeout, "json");
  if (!body) {
    if (stop_) return;
    const std::string hint = body.code() == Errc::not_found ? fmt::format(" (is '{}' the station's shortcode?)", opts_.station) : "";
    log::warn("azuracast", "REST {}{}", body.error(), hint);  // (the message starts with the URL)
    return set_poll(false, fmt::format("REST {}{}", body.error(), hint));
  }
  auto np = parse_nowplaying(*body);
  if (!np) {
    log::warn("azuracast", "REST {}: {}", redact_url(rest_url_), np.error());
    return set_poll(false, fmt::format("REST {}: {}", redact_url(rest_url_), np.error()));
  }
  set_poll(true);
  deliver(std::move(*np), TrackSource::azuracast_rest);
}

void AzuraCastFeed::wait_for_switch() {
  SwitchWait w;
  {
    MutexLock lk(mu_);
    w = switch_;
  }
  if (w && !w->delayed()) (void)w->wait(std::chrono::duration<double>(opts_.io_timeout));
}

void AzuraCastFeed::poll_loop() {
  uint64_t restarts = ctl_.status().restarts;
  auto last_poll = Clock::now();  // start() has just asked
  while (!stop_) {
    bool down;  // (not while the first connection is being made: that is bounded by io_timeout)
    {
      MutexLock lk(mu_);
      cv_.wait_for(lk.native(), std::chrono::duration<double>(opts_.restart_check), [this] { return stop_.load(); });
      down = live_ == Live::down;
    }
    if (stop_) break;
    const uint64_t now_restarts = ctl_.status().restarts;
    const bool restarted = now_restarts != restarts;
    restarts = now_restarts;
    if (restarted) log::info("azuracast", "pipeline restarted: asking the REST API what is playing");
    if (restarted || (down && seconds_since(last_poll) >= opts_.poll_interval)) {
      poll_once();
      last_poll = Clock::now();
    }
  }
}

void AzuraCastFeed::follow_loop() {
  int attempt = 0;
  while (!stop_) {
    Status st = follow_once();
    if (stop_) break;
    bool worked;
    {
      MutexLock lk(mu_);
      worked = live_ == Live::up && seconds_since(up_since_) >= opts_.backoff.max;
    }
    // A session that lasted starts the backoff afresh; one cut right after its connect message
    // does not, so a server that accepts and drops is not hammered.
    if (worked) attempt = 0;
    const double wait = opts_.backoff.delay(attempt++);
    log::warn("azuracast", "{}; polling REST every {:g}s, live feed again in {:.1f}s", st.error(), opts_.poll_interval, wait);
    set_live(Live::down, st.error());
    MutexLock lk(mu_);
    cv_.wait_for(lk.native(), std::chrono::duration<double>(wait), [this] { return stop_.load(); });
  }
}

Status AzuraCastFeed::follow_once() {
  auto stream = HttpStream::open(sse_url_, stop_, opts_.io_timeout, "text/event-stream", kMaxPing + opts_.io_timeout);
  if (!stream) return Error{fmt::format("live feed: {}", stream.error())};
  if (const std::string type = (*stream)->content_type(); type.find("text/event-stream") == std::string::npos)
    return Error{fmt::format("live feed: expected text/event-stream, got '{}' (an error page?)", type)};
  Session s{false, 0, opts_.io_timeout};
  SseSplitter split;
  std::string bytes;
  std::vector<std::string> events;
  const auto opened = Clock::now();
  while (!stop_) {
    // Centrifugo sends its connect message at once: until it has come, only what is left of
    // io_timeout is waited for, however many pings arrive meanwhile.
    const double wait = s.connected ? s.silence : opts_.io_timeout - seconds_since(opened);
    bytes.clear();
    auto n = wait > 0 ? (*stream)->read_some(bytes, wait) : Result<size_t>(Error{"no connect message"});
    if (!n && !s.connected && !stop_ && seconds_since(opened) >= opts_.io_timeout)
      return Error{fmt::format("live feed: no connect message within {:g}s ({})", opts_.io_timeout, s.pings ? "only pings" : "nothing at all")};
    if (!n) return Error{fmt::format("live feed stalled or failed: {}", n.error())};
    if (*n == 0) return Error{"live feed: the server closed the stream"};
    events.clear();
    if (Status st = split.feed(bytes, events); !st) return Error{fmt::format("live feed: {}", st.error())};
    for (const auto& e : events)
      if (Status st = on_event(e, s); !st) return st;
  }
  return Status::ok();
}

Status AzuraCastFeed::on_event(const std::string& data, Session& s) {
  auto m = parse_feed_message(data, channel_);
  if (!m) return m.forward();
  if (m->kind == FeedMessage::Kind::ping) ++s.pings;
  if (m->kind == FeedMessage::Kind::connect) {
    s.connected = true;
    s.silence = std::clamp(m->ping_interval > 0 ? m->ping_interval : kDefaultPing, 0.1, kMaxPing) + opts_.io_timeout;
    log::info("azuracast", "live feed connected (pings every {:g}s)", s.silence - opts_.io_timeout);
    set_live(Live::up);
  }
  if (m->np) deliver(std::move(*m->np), TrackSource::azuracast_sse);
  return Status::ok();
}

}  // namespace loopcast
