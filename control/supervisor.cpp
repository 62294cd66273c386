#include "control/supervisor.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "control/time_text.hpp"
#include "base/log.hpp"
#include "base/redact.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/video/art_scene.hpp"

namespace loopcast {
namespace {
// Same song again (AzuraCast may POST every cycle): compare the most specific identity known.
bool same_track(const TrackInfo& a, const TrackInfo& b) {
  if (a.sh_id && b.sh_id) return a.sh_id == b.sh_id;
  if (!a.song_id.empty() && !b.song_id.empty()) return a.song_id == b.song_id;
  return station_text(a) == station_text(b);
}

// "ocean.mp4" for "/srv/loops/ocean.mp4": what an operator picked.
std::string loop_name_of(const std::string& path) {
  return is_art_scene(path) || is_network_url(path) ? shown_loop(path) : std::filesystem::path(path).filename().string();
}

SysSeconds sys_now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
}  // namespace

Supervisor::Supervisor(AppConfig cfg) : cfg_(std::move(cfg)), watchdog_(cfg_.control.watchdog_timeout) {
  schedule_ = make_schedule();
  const auto& e = cfg_.engine;
  // auto splices only when nothing draws on the frames (validate() refuses splice with drawing).
  if (e.video_mode == VideoMode::splice || (e.video_mode == VideoMode::automatic && !draws_per_frame(e))) {
    cache_ = std::make_shared<LoopCache>(e, e.cache_dir.empty() ? default_cache_dir() : e.cache_dir);
    cache_->prepare({e.loop});
  }
  map_ = std::make_shared<TrackMap>(TrackMap::with_default(cfg_.engine.loop, cfg_.control.loops_dir));
  if (!cfg_.control.mapping_file.empty()) {
    // Refused, naming the rule; shown in last_error so an operator sees why no rule applies.
    if (Status st = reload_mapping(); !st) set_error(fmt::format("{} (using the default loop only)", st.error()));
  }
  // A time rule holding at start-up decides the first loop (a night start begins on the night loop).
  std::string loop = cfg_.engine.loop;
  if (auto l = map_->rule_loop(track_, sys_now())) loop = *l;
  switches_ = std::make_unique<SwitchScheduler>(
      loop, e.overlay.enabled && e.overlay.art,
      [this](std::shared_ptr<SwitchScheduler::Prepared> prep, const std::string& path, const std::string& art_url, bool splice, const TrackInfo& track) {
        start_prepare(std::move(prep), path, art_url, splice, track);
      });
  schedule_->tick(sys_now());  // the next change is known before anyone asks for status
  thread_ = std::thread([this] { run(); });
}

Supervisor::~Supervisor() {
  quit_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  MutexLock lk(life_mu_);
  stop_locked();
}


Status Supervisor::start() {
  MutexLock lk(life_mu_);
  return start_locked();
}

std::shared_ptr<Pipeline> Supervisor::pipeline() const {
  MutexLock lk(mu_);
  return pipeline_;
}

Status Supervisor::start_locked() {
  if (pipeline()) return Error{"already running", Errc::conflict};
  EngineConfig ec = cfg_.engine;
  ec.loop = switches_->on_air();
  if (is_art_scene(ec.loop)) ec.loop = cfg_.engine.loop;  // a scene needs its song: start on the loop
  {
    MutexLock lk(mu_);
    state_ = StreamState::starting;
  }
  auto p = Pipeline::create(ec, [this](const std::string& t, double heard_in) { on_icy_title(t, heard_in); }, cached_for_start(ec.loop));
  if (!p) {
    set_error(p.error());
    MutexLock lk(mu_);
    state_ = StreamState::error;
    return Error{p.error(), p.code()};
  }
  std::shared_ptr<Pipeline> pipe = std::move(*p);
  {
    MutexLock lk(mu_);
    pipe->set_now_playing(display_text(track_), art_);
  }
  pipe->start();
  finished_ = false;
  MutexLock lk(mu_);
  pipeline_ = std::move(pipe);
  state_ = StreamState::running;
  started_ = Clock::now();
  started_at_ = iso_now();
  log::info("control", "stream started (loop '{}')", ec.loop);
  events_.add("start", fmt::format("stream started on loop '{}'", loop_name_of(ec.loop)));
  return Status::ok();
}

std::unique_ptr<CachedLoop> Supervisor::cached_for_start(const std::string& loop) {
  if (!cache_) return nullptr;
  if (cfg_.engine.video_mode == VideoMode::splice) {
    // Explicit splice: build the start loop now if needed (the start waits for it).
    auto c = cache_->ensure(loop);
    if (c) return std::move(*c);
    log::warn("control", "{}; this session encodes its video", c.error());
    return nullptr;
  }
  auto c = cache_->load(loop);
  if (c) return std::move(*c);
  // A session cannot move from encode to splice without a new sequence header: it stays encode,
  // and the next start (restart, watchdog, process) splices once the cache is built.
  log::info("control", "video mode auto: loop '{}' is not cached yet (building in the background); this session encodes", loop);
  cache_->prepare({loop});
  return nullptr;
}

Status Supervisor::stop() {
  MutexLock lk(life_mu_);
  if (!pipeline()) {
    watchdog_.cancel_retry();  // a stop also cancels a pending automatic restart
    return Error{"not running", Errc::conflict};
  }
  stop_locked();
  return Status::ok();
}

void Supervisor::stop_locked() {
  std::shared_ptr<Pipeline> pipe;
  {
    MutexLock lk(mu_);
    if (!pipeline_) return;
    pipe = pipeline_;
    state_ = StreamState::stopping;
  }
  pipe->stop();
  const auto st = pipe->stats();
  MutexLock lk(mu_);
  pipeline_.reset();
  switches_before_ += st.switches;
  state_ = StreamState::stopped;
  started_at_.clear();
  fps_ = kbps_ = speed_ = 0;
  log::info("control", "stream stopped after {:.1f}s of media", st.output_seconds);
  events_.add("stop", fmt::format("stream stopped after {:.0f} s of media", st.output_seconds));
}

Status Supervisor::restart() {
  MutexLock lk(life_mu_);
  stop_locked();
  {
    MutexLock sk(mu_);
    ++restarts_;
  }
  return start_locked();
}

Status Supervisor::switch_loop(const std::string& loop_name) {
  auto path = resolve_loop_name(cfg_.control.loops_dir, loop_name);
  if (!path) return Error{path.error(), path.code()};
  TrackInfo t;
  t.source = TrackSource::api;
  return queue_switch(*path, t, 0.0);
}

Status Supervisor::track_changed(const TrackInfo& track) {
  std::shared_ptr<const TrackMap> map;
  {
    MutexLock lk(mu_);
    if (same_track(track, track_) && track_.source != TrackSource::none) return Status::ok();  // idempotent repeat
    track_ = track;
    ++track_changes_;
    map = map_;
  }
  // Station metadata runs ahead of the audio; manual requests apply at once.
  double delay = is_station_metadata(track) ? cfg_.control.switch_delay : 0.0;
  // An ICY title sits in the audio stream: the picture changes when its audio is heard.
  if (track.source == TrackSource::icy) delay = track.heard_in;
  // AzuraCast tells when the song started on the station; the listeners hear it `delay`
  // seconds after that, so a late webhook waits less.
  if (track.played_at > 0 && delay > 0) {
    const double since = static_cast<double>(std::time(nullptr) - track.played_at);
    if (since > 0 && since < 3600) delay = std::max(0.0, delay - since);
  }
  // Time rules hold at the moment the switch goes on air.
  const std::string loop = scene_for(map->resolve(track, sys_now() + std::chrono::seconds(static_cast<int64_t>(delay))), track);
  schedule_->invalidate();
  log::info("control", "track ({}): {} → loop '{}' in {:.1f}s", to_string(track.source),
            display_text(track), is_art_scene(loop) ? kArtScene + " " + art_scene_url(loop) : loop, delay);
  return queue_switch(loop, track, delay);
}

// "@art" (a mapping rule, or the default loop under --background art) becomes this song's cover
// scene; a song without art keeps the default loop.
std::string Supervisor::scene_for(std::string loop, const TrackInfo& track) const {
  if (cfg_.engine.background == Background::art && loop == cfg_.engine.loop) loop = kArtScene;
  if (loop != kArtScene) return loop;
  return track.art.empty() ? cfg_.engine.loop : art_scene_key(track.art, display_text(track));
}

void Supervisor::report_trigger(const TriggerStatus& t) {
  MutexLock lk(mu_);
  trigger_ = t;
}

void Supervisor::report_youtube(const YouTubeStatus& y) {
  MutexLock lk(mu_);
  youtube_ = y;
}

Status Supervisor::queue_switch(const std::string& loop, const TrackInfo& track, double delay) {
  // A loop seen for the first time gets its cache built in the background (an encoding session
  // of auto mode splices it from the next start; a splicing one waits for it at the switch).
  if (cache_ && !is_art_scene(loop)) cache_->prepare({loop});
  switches_->request(loop, track, std::chrono::milliseconds(static_cast<int64_t>(delay * 1000)));
  cv_.notify_all();
  return Status::ok();
}

void Supervisor::on_icy_title(const std::string& title, double heard_in_s) {
  if (!cfg_.control.icy_switch) return;  // shown in status as icy_title, but not a trigger
  TrackInfo t;
  t.source = TrackSource::icy;
  t.text = title;
  t.heard_in = heard_in_s;
  split_station_text(t);
  (void)track_changed(t);  // never fails: it records the song and queues its switch (if any)
}

Status Supervisor::reload_mapping() {
  if (cfg_.control.mapping_file.empty())
    return Error{"no mapping is configured: start loopcast with --mapping FILE (or \"mapping\" in the config) to use track rules",
                 Errc::conflict};
  auto m = TrackMap::load(cfg_.control.mapping_file, cfg_.control.loops_dir, zone_);
  if (!m) return Error{m.error(), m.code()};
  for (const auto& missing : m->missing_loops()) log::warn("control", "mapping names a missing loop '{}'", missing);
  auto shared = std::make_shared<const TrackMap>(std::move(*m));
  schedule_->set_map(shared);
  if (cache_) cache_->prepare(shared->loops());
  MutexLock lk(mu_);
  map_ = std::move(shared);
  log::info("control", "track mapping loaded from {}", cfg_.control.mapping_file);
  return Status::ok();
}

void Supervisor::record_command(const CommandAck& ack) {
  MutexLock lk(mu_);
  last_command_ = ack;
  commands_.push_back(ack);
  if (commands_.size() > kCommandHistory) commands_.pop_front();
}

void Supervisor::report_files(const FilesHealth& health) {
  MutexLock lk(mu_);
  files_ = health;
}

void Supervisor::set_error(const std::string& e) {
  log::error("control", "{}", e);
  events_.add("error", e);
  MutexLock lk(mu_);
  last_error_ = redact_text(e);  // status is read without a token: no registered secret in it
}

// Opens the loop (first frame decoded, or its cache loaded or built) and fetches the art off the
// pipeline and off the supervisor thread: a bad file never goes on air, a slow one or a slow art
// server delays only its own switch.
void Supervisor::start_prepare(std::shared_ptr<SwitchScheduler::Prepared> prep, const std::string& path,
                               const std::string& art_url, bool splice, const TrackInfo& track) const {
  std::thread([prep, path, art_url, cache = splice ? cache_ : nullptr, fmt = VideoFormat{cfg_.engine.width, cfg_.engine.height, AV_PIX_FMT_YUV420P, cfg_.engine.fps, cfg_.engine.fit},
               ov = cfg_.engine.overlay, scene = ArtSceneLayout{cfg_.engine.width, cfg_.engine.height, 0, cfg_.engine.overlay.font},
               scene_text = ArtSceneText{track.artist, track.title, track.album}, fallback = cfg_.engine.loop] {
    std::unique_ptr<LoopSource> src;
    std::unique_ptr<CachedLoop> cached;
    std::string error;
    if (is_art_scene(path) && cache) {
      error = "the art scene draws the picture: it needs video_mode encode";
    } else if (is_art_scene(path)) {
      // No cover (unreachable, not an image): the default loop, never a black or stale picture.
      auto o = open_art_scene(art_scene_url(path), scene_text, scene, ov.art_timeout);
      if (!o) log::warn("control", "{}; showing the default loop", o.error());
      if (!o) o = LoopSource::open(fallback, fmt);
      if (o) src = std::move(*o);
      else error = o.error();
    } else if (!path.empty() && cache) {
      auto c = cache->ensure(path);
      if (c) cached = std::move(*c);
      else error = c.error() + " (a splice stream cannot encode it mid-session)";
    } else if (!path.empty()) {
      auto o = LoopSource::open(path, fmt);
      if (o) src = std::move(*o);
      else error = o.error();
    }
    Result<ArtPtr> art = error.empty() && !art_url.empty() ? load_cover_art(art_url, ov.art_size, ov.art_timeout) : Result<ArtPtr>(nullptr);
    MutexLock pk(prep->mu);
    prep->src = std::move(src);
    prep->cached = std::move(cached);
    prep->error = error;
    if (art) prep->art = std::move(*art);
    else prep->art_error = art.error();
    prep->done = true;
  }).detach();
}

void Supervisor::process_switches() {
  const auto running = pipeline();
  auto step = switches_->poll(running && running->splicing());
  if (auto* refused = std::get_if<SwitchScheduler::Refusal>(&step)) {
    log::warn("control", "{}", refused->error);
    MutexLock lk(mu_);
    last_error_ = redact_text(refused->error);
    events_.add("error", refused->error);
    return;
  }
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  if (!sw) return;
  if (!sw->art_error.empty()) log::warn("control", "{}; the song shows its text only", sw->art_error);
  if (sw->new_loop) {
    const std::string by = to_string(sw->source);
    events_.add("switch", fmt::format("loop '{}' on air ({})", loop_name_of(sw->loop), by.empty() ? "request" : by));
  }
  if (!sw->text.empty()) {
    MutexLock lk(mu_);
    art_ = sw->art;  // a new song: its art, or none (never the last song's)
  }
  // Not running (or starting right now): the next start uses the scheduler's loop on air.
  if (auto pipe = pipeline()) {
    if (sw->src) pipe->switch_to(std::move(sw->src));
    if (sw->cached) {
      if (Status st = pipe->switch_to(std::move(sw->cached)); !st) set_error(fmt::format("switch refused: {}", st.error()));
    }
    if (!sw->text.empty()) pipe->set_now_playing(sw->text, sw->art);
  }
}

std::unique_ptr<ScheduleRunner> Supervisor::make_schedule() {
  auto zone = TimeZone::locate(cfg_.control.timezone);  // validated with the config already
  if (!zone) log::warn("control", "{}; using the system's zone", zone.error());
  zone_ = zone ? *zone : TimeZone{};
  zone_.to_local(sys_now());  // selects the zone now, before other threads run
  ScheduleRunner::Actions act;
  act.start = [this] {
    log::info("control", "schedule: a stream window opens, starting");
    if (Status st = start(); !st && st.code() != Errc::conflict) {
      log::warn("control", "schedule: start failed: {} (retrying)", st.error());
      watchdog_.retry_later();  // retried like a failed automatic restart
    }
  };
  act.stop = [this] {
    log::info("control", "schedule: the stream window closes, stopping");
    if (Status st = stop(); !st && st.code() != Errc::conflict) log::warn("control", "schedule: stop failed: {}", st.error());
  };
  act.loop_edge = [this](SysSeconds edge) { apply_loop_edge(edge); };
  act.track = [this] {
    MutexLock lk(mu_);
    return track_;
  };
  return std::make_unique<ScheduleRunner>(cfg_.control.schedule, zone_, std::move(act));
}

void Supervisor::apply_loop_edge(SysSeconds edge) {
  std::string loop;
  {
    MutexLock lk(mu_);
    loop = map_->resolve(track_, edge);
  }
  const auto due = Clock::now() + std::chrono::duration_cast<Clock::duration>(edge - std::chrono::system_clock::now());
  if (!switches_->add_edge(loop, due)) return;
  log::info("control", "schedule: loop '{}' at {}", loop, zone_.iso(edge));
  cv_.notify_all();
}

bool Supervisor::scheduled_on() const { return schedule_->stream_on(sys_now()); }

std::vector<ScheduleChange> Supervisor::schedule_changes(int days) const { return schedule_->changes(sys_now(), std::chrono::days(days)); }

void Supervisor::restart_after_fault(const std::string& why) {
  set_error(why);
  watchdog_.stop_or_exit([this]() NO_THREAD_SAFETY_ANALYSIS { stop_locked(); });  // life_mu_ is held
  {
    MutexLock lk(mu_);
    ++restarts_;
  }
  if (Status st = start_locked(); !st) watchdog_.retry_later();
}

void Supervisor::watch_pipeline() {
  if (!life_mu_.try_lock()) return;
  MutexLock life(life_mu_, std::adopt_lock);
  auto pipe = pipeline();
  if (!pipe) {
    // An automatic restart that failed (e.g. the loop file vanished) is retried, calmly.
    bool failed;
    {
      MutexLock lk(mu_);
      failed = state_ == StreamState::error;
    }
    if (failed && watchdog_.retry_due() && !start_locked()) watchdog_.retry_later();
    return;
  }
  const auto s = pipe->stats();
  switch (watchdog_.check(s)) {
    case PipelineHealth::running: return;
    case PipelineHealth::died: return restart_after_fault(fmt::format("pipeline died ({}); restarting", s.error));
    case PipelineHealth::stalled:
      return restart_after_fault(fmt::format("watchdog: no packet for {:.0f}s; restarting the pipeline", s.last_packet_age));
    case PipelineHealth::ended:
      stop_locked();
      finished_ = true;
      return;
  }
}

void Supervisor::run() {
  uint64_t last_frames = 0, last_bytes = 0;
  double last_media = 0;
  auto last_sample = Clock::now();
  while (!quit_) {
    {
      // 25 ms, or until a switch is due if sooner: an ICY switch belongs on one frame (33 ms).
      auto wait = std::chrono::microseconds(25000);
      if (auto p = switches_->pending(); p && p->in > 0 && p->in < 0.025)
        wait = std::chrono::microseconds(static_cast<int64_t>(p->in * 1e6) + 500);
      MutexLock lk(mu_);
      cv_.wait_for(lk.native(), wait);
    }
    if (quit_) break;
    schedule_->tick(sys_now());
    process_switches();
    watch_pipeline();
    // Rates over the last second, for status and metrics.
    if (Clock::now() - last_sample >= std::chrono::seconds(1)) {
      const double dt = std::chrono::duration<double>(Clock::now() - last_sample).count();
      last_sample = Clock::now();
      auto pipe = pipeline();
      if (!pipe) {
        feed_watch_.reset();
        last_frames = last_bytes = 0;
        last_media = 0;
        continue;
      }
      const auto s = pipe->stats();
      feed_watch_.observe(pipe->outputs(), pipe->audio(), events_);
      const uint64_t bytes = s.video_bytes + s.audio_bytes;
      MutexLock lk(mu_);
      fps_ = (s.video_frames - std::min(last_frames, s.video_frames)) / dt;
      kbps_ = (bytes - std::min(last_bytes, bytes)) * 8 / 1000.0 / dt;
      speed_ = (s.output_seconds - std::min(last_media, s.output_seconds)) / dt;
      last_frames = s.video_frames;
      last_bytes = bytes;
      last_media = s.output_seconds;
    }
  }
}

TapShot Supervisor::preview() const {
  auto pipe = pipeline();
  return pipe ? pipe->tap().latest() : TapShot{};
}

StatusSnapshot Supervisor::status() const {
  StatusSnapshot s;
  s.pid = static_cast<int>(getpid());
  {
    MutexLock lk(mu_);
    s.state = state_;
    s.track = track_;
    s.trigger = trigger_;
    s.youtube = youtube_;
    s.video_mode = to_string(cfg_.engine.video_mode);
    s.last_error = last_error_;
    s.last_command = last_command_;
    s.commands.assign(commands_.begin(), commands_.end());
    s.files = files_;
    s.restarts = restarts_;
    s.started_at = started_at_;
    s.fps = fps_;
    s.bitrate_kbps = kbps_;
    s.speed = speed_;
    s.switches = switches_before_;
    s.track_changes = track_changes_;
    if (state_ == StreamState::running) s.uptime = std::chrono::duration<double>(Clock::now() - started_).count();
  }
  s.loop = shown_loop(switches_->on_air());
  if (auto pending = switches_->pending()) {
    s.pending_loop = shown_loop(pending->loop);
    s.pending_in = pending->in;
  }
  s.timezone = zone_.display_name();
  s.next_change = schedule_->next_change();
  if (auto pipe = pipeline()) {
    const auto p = pipe->stats();
    s.video_mode = p.video_mode;
    s.switches += p.switches;
    s.video_frames = p.video_frames;
    s.audio_frames = p.audio_frames;
    s.dropped_frames = p.dropped_frames;
    s.duplicated_frames = p.duplicated_frames;
    s.output_seconds = p.output_seconds;
    s.outputs = pipe->outputs();
    for (const auto& o : s.outputs) s.bytes_sent += o.bytes;
    const auto a = pipe->audio();
    s.audio_state = a.state;
    s.audio_source = a.source;
    s.audio_reconnects = a.reconnects;
    s.audio_underruns = a.underruns;
    s.audio_buffer = a.buffer;
    s.icy_title = a.icy_title;
    s.loudness = pipe->loudness();
    if (!a.last_error.empty() && s.last_error.empty()) s.last_error = a.last_error;
  }
  return s;
}

}  // namespace loopcast
