#include "api/youtube/youtube_watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "base/log.hpp"
#include "base/redact.hpp"
#include "engine/output/platform.hpp"

namespace loopcast {
namespace {
using Clock = std::chrono::steady_clock;
constexpr int kViewersEvery = 4;        // polls between two viewer counts (1 unit each)
constexpr double kUnitsPerPoll = 2.25;  // liveStreams + the broadcast by id, viewers every 4th poll
constexpr double kRecoveringPoll = 5;   // seconds between looks while a broadcast is being put on air
constexpr double kQuotaRecheck = 300;   // an exhausted quota is looked at again this often (and at the reset)
// Song titles leave the watch what polling at least this often costs until the reset: a shorter
// --youtube-poll is paced down (paced_poll) rather than reserving a day of sub-second polls.
constexpr double kReservePoll = 30;

SysSeconds sys_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string utc_text(SysSeconds t, const char* format) {
  const std::time_t tt = t.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
std::string iso_utc(SysSeconds t) { return utc_text(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_date(SysSeconds t) { return utc_text(t, "%Y-%m-%d"); }

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// The first `n` characters of UTF-8 text (continuation bytes are not counted).
std::string utf8_prefix(const std::string& s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == n) return s.substr(0, i);
  }
  return s;
}
}  // namespace

std::string render_title(const std::string& tmpl, const std::string& station, const std::string& date, const std::string& song,
                         bool with_song) {
  std::string t = tmpl;
  if (with_song && !song.empty() && t.find("{song}") == std::string::npos) t += " \u2013 {song}";
  replace_all(t, "{station}", station);
  replace_all(t, "{date}", date);
  replace_all(t, "{song}", song);
  t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == '<' || c == '>'; }), t.end());
  return utf8_prefix(t, 100);
}

std::string youtube_stream_key(const std::vector<std::string>& outputs, const std::string& env_key) {
  for (const auto& given : outputs) {
    const std::string o = ingest_url(given);  // youtube://KEY: its ingest URL
    if (o.rfind("rtmp://", 0) != 0 && o.rfind("rtmps://", 0) != 0) continue;
    std::string_view u = o;
    u = u.substr(0, u.find('?'));
    while (u.size() > 1 && u.back() == '/') u.remove_suffix(1);
    if (auto slash = u.rfind('/'); slash != std::string_view::npos && slash + 1 < u.size() && slash > o.find("://") + 2)
      return std::string(u.substr(slash + 1));
  }
  return env_key;
}

YouTubeWatch::YouTubeWatch(Controller& ctl, YouTubeWatchOptions opts)
    : ctl_(ctl),
      opts_(std::move(opts)),
      http_(opts_.io_timeout),
      auth_(http_, opts_.cfg.oauth_url, OAuthClient{opts_.cfg.client_id, opts_.cfg.client_secret}, opts_.cfg.refresh_token),
      quota_(shared_quota(opts_.cfg.client_id, opts_.cfg.api_url, opts_.cfg.quota)),
      client_(http_, auth_, *quota_, opts_.cfg.api_url) {
  register_secret(opts_.stream_key);
  MutexLock lk(mu_);
  st_.state = "starting";
  st_.quota_budget = quota_->budget();
}

YouTubeWatch::~YouTubeWatch() { stop(); }

void YouTubeWatch::start() {
  publish();
  log::info("youtube", "watching the broadcast of this stream's key (every {:g}s, {} units a day)", opts_.cfg.poll, opts_.cfg.quota);
  thread_ = std::thread([this] { run(); });
}

void YouTubeWatch::stop() {
  {
    MutexLock lk(mu_);
    if (stop_.exchange(true) && !thread_.joinable()) return;
  }
  http_.cancel();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  set_state("off");
  publish();
}

YouTubeStatus YouTubeWatch::status() const {
  MutexLock lk(mu_);
  return st_;
}

void YouTubeWatch::publish() {
  const SysSeconds now = sys_now();
  MutexLock lk(mu_);
  st_.quota_used = quota_->used(now);
  st_.quota_reset = iso_utc(quota_->reset_at(now));
}

void YouTubeWatch::set_state(const std::string& state, const std::string& error) {
  MutexLock lk(mu_);
  if (!error.empty()) st_.last_error = redact_text(error);
  if (st_.state == state) return;
  if (state == "error" || state == "quota_exhausted") log::warn("youtube", "{} → {}: {}", st_.state, state, st_.last_error);
  else log::info("youtube", "{} → {}", st_.state, state);
  st_.state = state;
}

void YouTubeWatch::run() {
  while (!stop_) {
    const double wait = cycle();
    if (stop_) break;
    publish();
    MutexLock lk(mu_);
    cv_.wait_for(lk.native(), std::chrono::duration<double>(wait), [this] { return stop_.load(); });
  }
}

int YouTubeWatch::reserve(SysSeconds now) {
  const double to_reset = static_cast<double>((quota_->reset_at(now) - now).count());
  // Every watch sharing the budget needs as much as this one.
  const double sharers = static_cast<double>(std::max<long>(1, quota_.use_count()));
  return static_cast<int>(std::ceil(sharers * (to_reset / std::max(opts_.cfg.poll, kReservePoll) * kUnitsPerPoll + kQuotaRecovery)));
}

double YouTubeWatch::per_poll_seconds(SysSeconds now) {
  const double to_reset = static_cast<double>((quota_->reset_at(now) - now).count());
  // Shared by N watches: this one may plan with 1/N of what is left.
  const int sharers = static_cast<int>(std::max<long>(1, quota_.use_count()));
  return paced_poll(opts_.cfg.poll, static_cast<int>(std::ceil(kUnitsPerPoll)), (quota_->budget() - quota_->used(now)) / sharers, to_reset);
}

double YouTubeWatch::failed(const std::string& error) {
  const ApiFault fault = client_.last_fault();
  if (fault == ApiFault::quota) {
    set_state("quota_exhausted", error);
    const SysSeconds now = sys_now();
    return std::clamp(static_cast<double>((quota_->reset_at(now) - now).count()) + 1, 1.0, kQuotaRecheck);
  }
  set_state("error", fmt::format("{} ({})", error, to_string(fault)));
  return opts_.backoff.delay(attempt_++);
}

Result<std::optional<BroadcastInfo>> YouTubeWatch::find_bound(const LiveStreamInfo& stream) {
  auto show = [this](const BroadcastInfo& b) {
    MutexLock lk(mu_);
    st_.broadcast_id = b.id;
    st_.lifecycle = b.lifecycle;
    st_.title = b.title;
  };
  if (!known_id_.empty()) {
    auto list = client_.list_broadcasts("id=" + known_id_);
    if (!list) return list.forward();
    if (!list->empty()) {
      const BroadcastInfo& b = list->front();
      show(b);  // a broadcast that just ended shows as "complete" until its successor is bound
      if (broadcast_alive(b.lifecycle) && b.bound_stream_id == stream.id) return std::optional<BroadcastInfo>(b);
    }
    log::info("youtube", "broadcast {} is {}: looking for another one bound to the stream", known_id_,
              list->empty() ? "gone" : list->front().lifecycle);
    known_id_.clear();
  }
  // First look, or the known one ended: what YouTube has bound to our stream (an operator's too).
  std::optional<BroadcastInfo> best;
  for (const char* filter : {"broadcastStatus=active", "broadcastStatus=upcoming"}) {
    auto list = client_.list_broadcasts(filter);
    if (!list) return list.forward();
    for (const auto& b : *list)
      if (b.bound_stream_id == stream.id && broadcast_alive(b.lifecycle) && (!best || b.lifecycle == "live")) best = b;
    if (best) break;
  }
  if (best) {
    known_id_ = best->id;
    show(*best);
  } else {
    MutexLock lk(mu_);
    if (st_.broadcast_id.empty()) st_.lifecycle = "none";
  }
  return best;
}

double YouTubeWatch::cycle() {
  const SysSeconds now = sys_now();
  if (quota_->blocked(now)) {
    set_state("quota_exhausted", fmt::format("daily quota spent ({} of {} units); watching again at {}", quota_->used(now), quota_->budget(),
                                             iso_utc(quota_->reset_at(now))));
    return std::clamp(static_cast<double>((quota_->reset_at(now) - now).count()) + 1, 1.0, kQuotaRecheck);
  }
  auto streams = client_.list_streams();
  if (!streams) return failed(streams.error());
  auto ours = std::find_if(streams->begin(), streams->end(), [&](const LiveStreamInfo& s) { return s.stream_name == opts_.stream_key; });
  if (ours == streams->end()) {
    set_state("error",
              fmt::format("none of the channel's {} liveStreams has this stream key: is the key from this channel?", streams->size()));
    return opts_.backoff.delay(attempt_++);
  }
  {
    MutexLock lk(mu_);
    st_.stream_status = ours->stream_status;
    st_.health = ours->health;
    st_.issues = ours->issues;
  }
  auto bound = find_bound(*ours);
  if (!bound) return failed(bound.error());
  if (!*bound || (*bound)->lifecycle != "live") return recover(*ours, *bound);
  const BroadcastInfo& live = **bound;
  if (off_air_since_) {
    const double took = std::chrono::duration<double>(Clock::now() - *off_air_since_).count();
    log::info("youtube", "broadcast {} is live again ({:.1f}s after the last one was seen ended)", live.id, took);
    MutexLock lk(mu_);
    ++st_.recoveries;
    st_.last_recovery = iso_utc(now);
    st_.last_recovery_seconds = took;
    off_air_since_.reset();
  }
  attempt_ = 0;
  if (polls_++ % kViewersEvery == 0) {
    auto v = client_.viewers(live.id);
    if (!v) return failed(v.error());
    MutexLock lk(mu_);
    st_.viewers = v->value_or(-1);
  }
  set_state("ok");
  if (opts_.cfg.song_title) follow_song(live);
  return per_poll_seconds(now);
}

double YouTubeWatch::recover(const LiveStreamInfo& stream, std::optional<BroadcastInfo> bound) {
  if (!off_air_since_) {
    off_air_since_ = Clock::now();
    log::warn("youtube", "no live broadcast on the stream: putting one on air");
  }
  set_state("recovering");
  {
    MutexLock lk(mu_);
    st_.viewers = -1;
  }
  const double soon = std::min(kRecoveringPoll, opts_.cfg.poll);
  if (!bound) {
    if (inserted_id_.empty()) {
      const SysSeconds now = sys_now();
      const std::string date = utc_date(now);
      auto ins = client_.insert(NewBroadcast{render_title(opts_.cfg.title, opts_.station, date, {}, false), iso_utc(now), opts_.cfg.privacy,
                                             opts_.cfg.auto_start, opts_.cfg.auto_stop, opts_.cfg.latency});
      if (!ins) return failed(ins.error());
      inserted_id_ = ins->id;
      log::info("youtube", "inserted broadcast {} ('{}', {})", ins->id, ins->title, opts_.cfg.privacy);
    }
    auto bd = client_.bind(inserted_id_, stream.id);
    if (!bd) return failed(bd.error());
    log::info("youtube", "bound broadcast {} to the stream", inserted_id_);
    known_id_ = inserted_id_;
    inserted_id_.clear();
    bound = *bd;
    if (bound->lifecycle.empty()) bound->lifecycle = "ready";
    MutexLock lk(mu_);
    st_.broadcast_id = bound->id;
    st_.lifecycle = bound->lifecycle;
    st_.title = bound->title;
  }
  const std::string& l = bound->lifecycle;
  const bool startable = l == "ready" || l == "created" || l == "testing";
  if (!startable || (opts_.cfg.auto_start && l != "testing")) return soon;  // liveStarting, or YouTube starts it itself
  if (stream.stream_status != "active") {
    set_state("recovering",
              fmt::format("broadcast {} waits for the ingest to be active (streamStatus {})", bound->id, stream.stream_status));
    return soon;
  }
  auto t = client_.transition(bound->id, "live");
  if (!t) return failed(t.error());
  log::info("youtube", "broadcast {}: transition to live ({})", bound->id, t->lifecycle);
  MutexLock lk(mu_);
  if (!t->lifecycle.empty()) st_.lifecycle = t->lifecycle;
  return soon;
}

void YouTubeWatch::follow_song(const BroadcastInfo& live) {
  const TrackInfo track = ctl_.status().track;
  const std::string song = !track.text.empty() ? track.text : track.artist.empty() ? track.title : track.artist + " \u2013 " + track.title;
  if (song.empty() || song == song_shown_) return;
  if (Clock::now() - song_at_ < std::chrono::duration<double>(opts_.cfg.song_interval)) return;  // rate limit
  const SysSeconds now = sys_now();
  const std::string title = render_title(opts_.cfg.title, opts_.station, utc_date(now), song, true);
  auto r = client_.update_title(live, title, reserve(now));
  song_shown_ = song;  // tried once per song: a skipped or refused update is not retried every poll
  MutexLock lk(mu_);
  if (!r) {
    if (client_.last_fault() == ApiFault::quota) ++st_.skipped_updates;
    else st_.last_error = redact_text(r.error());
    log::debug("youtube", "song title not updated: {}", redact_text(r.error()));
    return;
  }
  song_at_ = Clock::now();
  ++st_.title_updates;
  st_.title = title;
}

}  // namespace loopcast
