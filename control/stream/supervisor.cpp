#include "control/stream/supervisor.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "base/log.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/stream/splice_policy.hpp"

namespace loopcast {
namespace {
SysSeconds sys_now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
}  // namespace

Supervisor::Supervisor(AppConfig cfg) : cfg_(std::move(cfg)), songs_(cfg_) {
  schedule_ = make_schedule();
  // Read once for the stream's life: every start and every cache build share this picture
  // (validate() has refused a bad one; one gone since then is shown here, and the start fails).
  const Status logo = load_logo(cfg_.engine.logo, cfg_.engine.width, cfg_.engine.height);
  const auto& e = cfg_.engine;
  cache_ = splice_cache_for(e, cfg_.control.live_loop == kLiveScene);
  runner_ = std::make_unique<PipelineRunner>(
      cfg_.engine, cache_.get(), events_, life_, cfg_.control.watchdog_timeout, [this] { return opening(); },
      [this](const std::string& t, double heard_in) { on_icy_title(t, heard_in); });
  if (!logo) runner_->set_error(logo.error());
  if (!cfg_.control.mapping_file.empty()) {
    // Refused, naming the rule; shown in last_error so an operator sees why no rule applies.
    if (Status st = reload_mapping(); !st) runner_->set_error(fmt::format("{} (using the default loop only)", st.error()));
  }
  opener_ =
      std::make_unique<LoopOpener>(LoopOpenerSettings{VideoFormat{e.width, e.height, AV_PIX_FMT_YUV420P, e.fps, e.fit}, e.overlay,
                                                      ArtSceneLayout{e.width, e.height, 0, e.overlay.font}, e.loop, cache_, cfg_.engine});
  if (cache_ && e.title_card.enabled()) cards_ = std::make_unique<TitleCards>(e, cache_);
  switches_ = std::make_unique<SwitchScheduler>(songs_.first_loop(sys_now()), e.overlay.enabled && e.overlay.art, *opener_);
  schedule_->tick(sys_now());  // the next change is known before anyone asks for status
  thread_ = std::thread([this] { run(); });
}

Supervisor::~Supervisor() {
  quit_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  (void)runner_->stop();  // before the switches and the opener go
}

Status Supervisor::start() { return runner_->start(); }
Status Supervisor::stop() { return runner_->stop(); }
Status Supervisor::restart() { return runner_->restart(); }

Opening Supervisor::opening() {
  const LoopRef on_air = switches_->on_air();
  const TrackInfo track = songs_.track();
  MutexLock lk(mu_);
  // A scene needs its song's art: the pipeline starts on the loop and the scene follows.
  Opening o{on_air.is_scene() ? cfg_.engine.loop : on_air.location(), display_text(track), art_, nullptr, std::nullopt};
  if (!o.text.empty() && unshown_song_ == o.text) {
    if (card_song_ == o.text) o.card = std::exchange(card_, nullptr);
    if (cfg_.engine.title_card.enabled() && !track.live) o.draw_card = CardText{o.text, card_subline(track.album, track.next)};
  }
  unshown_song_.clear();
  return o;
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
  compose_card(r);
  auto wait = switches_->request(r.loop, r.track, std::chrono::milliseconds(static_cast<int64_t>(r.delay * 1000)));
  cv_.notify_all();
  return wait;
}

// The song's title card starts composing now, while its switch waits its delay, over the loop the
// song will show (the loop on air when it keeps it). Scenes and live DJs draw their own text.
void Supervisor::compose_card(const SwitchRequest& r) {
  const std::string song = display_text(r.track);
  if (!cards_ || song.empty() || r.track.live) return;
  const LoopRef under = r.loop.empty() ? switches_->on_air() : r.loop;
  if (under.is_scene() || under.empty()) return;
  auto slot = cards_->compose(under.location(), r.track, r.track.next);
  MutexLock lk(mu_);
  card_song_ = song;
  card_ = std::move(slot);
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

void Supervisor::process_switches() {
  const auto running = runner_->pipeline();
  auto step = switches_->poll(running && running->splicing());
  if (auto* refused = std::get_if<SwitchScheduler::Refusal>(&step)) return runner_->set_warning(refused->error);
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  if (!sw) return;
  if (!sw->art_error.empty()) log::warn("control", "{}; the song shows its text only", sw->art_error);
  if (sw->new_loop) {
    const std::string by = to_string(sw->source);
    events_.add(EventKind::switched, fmt::format("loop '{}' on air ({})", sw->loop.name(), by.empty() ? "request" : by));
  }
  std::shared_ptr<CardSlot> card;
  if (!sw->text.empty()) {
    MutexLock lk(mu_);
    art_ = sw->art;  // a new song: its art, or none (never the last song's)
    if (card_song_ == sw->text) card = std::exchange(card_, nullptr);
  }
  // Not running (or starting right now): the next start uses the scheduler's loop on air, and
  // shows this song's card.
  auto pipe = runner_->pipeline();
  if (!pipe && !sw->text.empty()) {
    MutexLock lk(mu_);
    unshown_song_ = sw->text;
    if (card) card_ = std::move(card);
  }
  if (pipe) {
    if (sw->src) pipe->switch_to(std::move(sw->src));
    if (sw->cached) {
      if (Status st = pipe->switch_to(std::move(sw->cached)); !st) runner_->set_error(fmt::format("switch refused: {}", st.error()));
    }
    if (!sw->text.empty()) pipe->set_now_playing(sw->text, sw->art);
    if (card) pipe->show_card(std::move(card));
    // An encoding session draws the card itself (encode mode, or auto before the loops are cached).
    if (!sw->text.empty() && cfg_.engine.title_card.enabled() && !pipe->splicing()) {
      const TrackInfo t = songs_.track();
      if (display_text(t) == sw->text && !t.live) pipe->draw_card(CardText{sw->text, card_subline(t.album, t.next)});
    }
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
      runner_->retry_later();  // retried like a failed automatic restart
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

void Supervisor::run() {
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
    runner_->watch();
  }
}

TapShot Supervisor::preview() const {
  auto pipe = runner_->pipeline();
  return pipe ? pipe->tap().latest() : TapShot{};
}

// Composed from the parts' own snapshots: the lifecycle, the song, the switches, the schedule,
// the pipeline.
StatusSnapshot Supervisor::status() const {
  StatusSnapshot s;
  s.pid = static_cast<int>(getpid());
  s.state = life_.state();
  s.video_mode = to_string(cfg_.engine.video_mode);
  s.track = songs_.track();
  s.track_changes = songs_.changes();
  if (const auto& logo = cfg_.engine.logo; logo.image)
    s.logo = LogoStatus{std::filesystem::path(logo.file).filename().string(), to_string(logo.position), logo.image->width,
                        logo.image->height, logo.opacity};
  s.loop = switches_->on_air().shown();
  if (auto pending = switches_->pending()) {
    s.pending_loop = pending->loop.shown();
    s.pending_in = pending->in;
  }
  s.timezone = zone_.display_name();
  s.next_change = schedule_->next_change();
  runner_->into(s);
  if (!cards_) s.title_cards.reset();
  return s;
}

}  // namespace loopcast
