#include "control/stream/song_switches.hpp"

#include <fmt/format.h>

#include <ctime>

#include "base/log.hpp"
#include "base/redact.hpp"
#include "control/mapping/song_timing.hpp"

namespace loopcast {

namespace {
// The live loop's file (validated with the config, so a name that no longer resolves is kept as
// written and refused like any missing loop at its switch).
std::string live_loop_path(const ControlConfig& c) {
  if (c.live_loop.empty() || c.live_loop == kLiveScene) return c.live_loop;
  auto path = resolve_loop_name(c.loops_dir, c.live_loop);
  return path ? *path : c.live_loop;
}
}  // namespace

SongSwitches::SongSwitches(const AppConfig& cfg)
    : default_(LoopRef::parse(cfg.engine.loop)),
      live_loop_(live_loop_path(cfg.control)),
      loops_dir_(cfg.control.loops_dir),
      mapping_file_(cfg.control.mapping_file),
      art_background_(cfg.engine.background == Background::art),
      switch_delay_(cfg.control.switch_delay),
      map_(std::make_shared<TrackMap>(TrackMap::with_default(cfg.engine.loop, cfg.control.loops_dir))) {}

std::optional<SwitchRequest> SongSwitches::song(const TrackInfo& track) {
  std::shared_ptr<const TrackMap> map;
  {
    MutexLock lk(mu_);
    if (same_song(track, track_) && track_.source != TrackSource::none) return std::nullopt;
    track_ = track;
    ++changes_;
    map = map_;
  }
  const double delay = switch_delay_for(track, switch_delay_, std::time(nullptr));
  // Time rules hold at the moment the switch goes on air.
  const auto at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
                  std::chrono::seconds(static_cast<int64_t>(delay));
  const bool live = track.live && !live_loop_.empty();
  SwitchRequest r{live ? live_for(track) : scene_for(LoopRef::parse(map->resolve(track, at)), track), track, delay};
  log::info("control", "track ({}): {} → loop '{}' in {:.1f}s", to_string(track.source), display_text(track),
            r.loop.kind() == LoopRef::Kind::scene ? fmt::format("{} {}", kArtScene, redact_url(r.loop.location())) : r.loop.shown(),
            delay);
  return r;
}

Result<SwitchRequest> SongSwitches::loop_by_name(const std::string& name) const {
  auto path = resolve_loop_name(loops_dir_, name);
  if (!path) return path.forward();
  SwitchRequest r;
  r.loop = LoopRef::parse(*path);
  r.track.source = TrackSource::api;
  return r;
}

LoopRef SongSwitches::loop_at(SysSeconds at) const {
  MutexLock lk(mu_);
  return LoopRef::parse(map_->resolve(track_, at));
}

LoopRef SongSwitches::first_loop(SysSeconds now) const {
  MutexLock lk(mu_);
  auto rule = map_->rule_loop(track_, now);
  return rule ? LoopRef::parse(*rule) : default_;
}

// "@art" (a mapping rule, or the default loop under --background art) becomes this song's cover
// scene; a song without art keeps the default loop.
LoopRef SongSwitches::scene_for(LoopRef loop, const TrackInfo& track) const {
  if (art_background_ && loop == default_) loop = LoopRef::parse(kArtScene);
  if (loop.kind() != LoopRef::Kind::art) return loop;
  return track.art.empty() ? default_ : LoopRef::scene(track.art, display_text(track));
}

// "@live" is the song's cover with the DJ's name; without a cover there is nothing to compose and
// the default loop shows (as for "@art").
LoopRef SongSwitches::live_for(const TrackInfo& track) const {
  if (live_loop_ != kLiveScene) return LoopRef::parse(live_loop_);
  if (track.art.empty()) return default_;
  return LoopRef::scene(track.art, track.streamer.empty() ? std::string("Live") : "Live: " + track.streamer);
}

Result<std::shared_ptr<const TrackMap>> SongSwitches::reload(const TimeZone& zone) {
  if (mapping_file_.empty())
    return Error{"no mapping is configured: start loopcast with --mapping FILE (or \"mapping\" in the config) to use track rules",
                 Errc::conflict};
  auto m = TrackMap::load(mapping_file_, loops_dir_, zone);
  if (!m) return m.forward();
  for (const auto& missing : m->missing_loops()) log::warn("control", "mapping names a missing loop '{}'", missing);
  auto shared = std::make_shared<const TrackMap>(std::move(*m));
  MutexLock lk(mu_);
  map_ = shared;
  log::info("control", "track mapping loaded from {}", mapping_file_);
  return shared;
}

std::shared_ptr<const TrackMap> SongSwitches::map() const {
  MutexLock lk(mu_);
  return map_;
}

TrackInfo SongSwitches::track() const {
  MutexLock lk(mu_);
  return track_;
}

uint64_t SongSwitches::changes() const {
  MutexLock lk(mu_);
  return changes_;
}

}  // namespace loopcast
