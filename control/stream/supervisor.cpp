#include "control/stream/supervisor.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "base/log.hpp"
#include "base/redact.hpp"
#include "base/time_text.hpp"
#include "control/status/pipeline_status.hpp"
#include "control/stream/splice_policy.hpp"

namespace loopcast {
namespace {
SysSeconds sys_now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
double seconds(std::chrono::steady_clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }
}  // namespace

Supervisor::Supervisor(AppConfig cfg) : cfg_(std::move(cfg)), watchdog_(cfg_.control.watchdog_timeout), songs_(cfg_) {
  schedule_ = make_schedule();
  // Read once for the stream's life: every start and every cache build share this picture
  // (validate() has refused a bad one; one gone since then is shown here, and the start fails).
  if (Status st = load_logo(cfg_.engine.logo, cfg_.engine.width, cfg_.engine.height); !st) set_error(st.error());
  const auto& e = cfg_.engine;
  cache_ = splice_cache_for(e);
  if (!cfg_.control.mapping_file.empty()) {
    // Refused, naming the rule; shown in last_error so an operator sees why no rule applies.
    if (Status st = reload_mapping(); !st) set_error(fmt::format("{} (using the default loop only)", st.error()));
  }
  opener_ = std::make_unique<LoopOpener>(LoopOpenerSettings{VideoFormat{e.width, e.height, AV_PIX_FMT_YUV420P, e.fps, e.fit}, e.overlay,
                                                            ArtSceneLayout{e.width, e.height, 0, e.overlay.font}, e.loop, cache_});
  switches_ = std::make_unique<SwitchScheduler>(songs_.first_loop(sys_now()), e.overlay.enabled && e.overlay.art, *opener_);
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
  if (Status st = life_.to(StreamState::starting); !st) return st;
  EngineConfig ec = cfg_.engine;
  const LoopRef on_air = switches_->on_air();
  ec.loop = on_air.is_scene() ? cfg_.engine.loop : on_air.location();  // a scene needs its song: start on the loop
  auto p = Pipeline::create(ec, [this](const std::string& t, double heard_in) { on_icy_title(t, heard_in); },
                            start_cache(cache_.get(), cfg_.engine.video_mode == VideoMode::splice, ec.loop));
  if (!p) {
    set_error(p.error());
    (void)life_.to(StreamState::error);
    return p.forward();
  }
  std::shared_ptr<Pipeline> pipe = std::move(*p);
  {
    MutexLock lk(mu_);
    pipe->set_now_playing(display_text(songs_.track()), art_);
  }
  pipe->start();
  finished_ = false;
  {
    MutexLock lk(mu_);
    pipeline_ = std::move(pipe);
    started_ = Clock::now();
    started_at_ = iso_now();
  }
  log::info("control", "stream started (loop '{}')", ec.loop);
  return life_.to(StreamState::running, fmt::format("stream started on loop '{}'", LoopRef::parse(ec.loop).name()));
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
  auto pipe = pipeline();
  if (!pipe) return;
  (void)life_.to(StreamState::stopping);
  pipe->stop();
  const auto st = pipe->stats();
  {
    MutexLock lk(mu_);
    pipeline_.reset();
    switches_before_ += st.switches;
    started_at_.clear();
    rates_ = {};
  }
  log::info("control", "stream stopped after {:.1f}s of media", st.output_seconds);
  (void)life_.to(StreamState::stopped, fmt::format("stream stopped after {:.0f} s of media", st.output_seconds));
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

Result<SwitchWait> Supervisor::switch_loop(const std::string& loop_name) {
  auto r = songs_.loop_by_name(loop_name);
  if (!r) return r.forward();
  return queue_switch(*r);
}

Result<SwitchWait> Supervisor::track_changed(const TrackInfo& track) {
  auto r = songs_.song(track);
  if (!r) return SwitchWait{};  // a repeat of the song on air
  schedule_->invalidate();
  return queue_switch(*r);
}

SwitchWait Supervisor::queue_switch(const SwitchRequest& r) {
  // A loop seen for the first time gets its cache built in the background (an encoding session
  // of auto mode splices it from the next start; a splicing one waits for it at the switch).
  if (cache_ && !r.loop.is_scene() && !r.loop.empty()) cache_->prepare({r.loop.location()});
  auto wait = switches_->request(r.loop, r.track, std::chrono::milliseconds(static_cast<int64_t>(r.delay * 1000)));
  cv_.notify_all();
  return wait;
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
  auto map = songs_.reload(zone_);
  if (!map) return map.forward();
  schedule_->set_map(*map);
  if (cache_) cache_->prepare((*map)->loops());
  return Status::ok();
}

void Supervisor::set_error(const std::string& e) {
  log::error("control", "{}", e);
  events_.add("error", e);
  MutexLock lk(mu_);
  last_error_ = redact_text(e);  // status is read without a token: no registered secret in it
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
    events_.add("switch", fmt::format("loop '{}' on air ({})", sw->loop.name(), by.empty() ? "request" : by));
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
  act.track = [this] { return songs_.track(); };
  return std::make_unique<ScheduleRunner>(cfg_.control.schedule, zone_, std::move(act));
}

void Supervisor::apply_loop_edge(SysSeconds edge) {
  const LoopRef loop = songs_.loop_at(edge);
  const auto due = Clock::now() + std::chrono::duration_cast<Clock::duration>(edge - std::chrono::system_clock::now());
  if (!switches_->add_edge(loop, due)) return;
  log::info("control", "schedule: loop '{}' at {}", loop.shown(), zone_.iso(edge));
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
    if (life_.state() == StreamState::error && watchdog_.retry_due() && !start_locked()) watchdog_.retry_later();
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

void Supervisor::measure_rates() {
  auto pipe = pipeline();
  if (!pipe) {
    feed_watch_.reset();
    meter_.reset();
    return;
  }
  const auto s = pipe->stats();
  feed_watch_.observe(pipe->outputs(), pipe->audio(), events_);
  const Rates r = meter_.sample(RateSample{s.video_frames, s.video_bytes + s.audio_bytes, s.output_seconds}, seconds(Clock::now()));
  MutexLock lk(mu_);
  rates_ = r;
}

void Supervisor::run() {
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
    if (Clock::now() - last_sample >= std::chrono::seconds(1)) {  // rates over the last second
      last_sample = Clock::now();
      measure_rates();
    }
  }
}

TapShot Supervisor::preview() const {
  auto pipe = pipeline();
  return pipe ? pipe->tap().latest() : TapShot{};
}

// Composed from the parts' own snapshots: the lifecycle, the reports, the switches, the schedule,
// the pipeline.
StatusSnapshot Supervisor::status() const {
  StatusSnapshot s;
  s.pid = static_cast<int>(getpid());
  s.state = life_.state();
  s.track = songs_.track();
  s.track_changes = songs_.changes();
  reports_.into(s);
  {
    MutexLock lk(mu_);
    s.video_mode = to_string(cfg_.engine.video_mode);
    if (const auto& logo = cfg_.engine.logo; logo.image)
      s.logo = LogoStatus{std::filesystem::path(logo.file).filename().string(), to_string(logo.position), logo.image->width,
                          logo.image->height, logo.opacity};
    s.last_error = last_error_;
    s.restarts = restarts_;
    s.started_at = started_at_;
    s.fps = rates_.fps;
    s.bitrate_kbps = rates_.kbps;
    s.speed = rates_.speed;
    s.switches = switches_before_;
    if (pipeline_) s.uptime = std::chrono::duration<double>(Clock::now() - started_).count();
  }
  s.loop = switches_->on_air().shown();
  if (auto pending = switches_->pending()) {
    s.pending_loop = pending->loop.shown();
    s.pending_in = pending->in;
  }
  s.timezone = zone_.display_name();
  s.next_change = schedule_->next_change();
  if (auto pipe = pipeline()) add_pipeline_status(s, *pipe);
  return s;
}

}  // namespace loopcast
