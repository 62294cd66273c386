#include "control/supervisor.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "control/time_text.hpp"
#include "base/log.hpp"
#include "base/redact.hpp"

namespace loopcast {
namespace {

// "Artist – Title" for the overlay; empty for a manual loop switch (the text stays as it is).
std::string overlay_text(const TrackInfo& t) {
  if (!t.artist.empty() && !t.title.empty()) return t.artist + " \u2013 " + t.title;
  return t.text;
}

// Same song again (AzuraCast may POST every cycle): compare the most specific identity known.
bool same_track(const TrackInfo& a, const TrackInfo& b) {
  if (a.sh_id && b.sh_id) return a.sh_id == b.sh_id;
  if (!a.song_id.empty() && !b.song_id.empty()) return a.song_id == b.song_id;
  auto key = [](const TrackInfo& t) { return t.text.empty() ? t.artist + " - " + t.title : t.text; };
  return key(a) == key(b);
}
}  // namespace

Supervisor::Supervisor(AppConfig cfg) : cfg_(std::move(cfg)), loop_(cfg_.engine.loop) {
  map_ = std::make_shared<TrackMap>(TrackMap::with_default(cfg_.engine.loop, cfg_.control.loops_dir));
  if (!cfg_.control.mapping_file.empty()) {
    if (Status st = reload_mapping(); !st) log::warn("control", "{} (using the default loop only)", st.error());
  }
  thread_ = std::thread([this] { run(); });
}

Supervisor::~Supervisor() {
  quit_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lk(life_mu_);
  stop_locked();
}


Status Supervisor::start() {
  std::lock_guard lk(life_mu_);
  return start_locked();
}

std::shared_ptr<Pipeline> Supervisor::pipeline() const {
  std::lock_guard lk(mu_);
  return pipeline_;
}

Status Supervisor::start_locked() {
  if (pipeline()) return Error{"already running", Errc::conflict};
  EngineConfig ec = cfg_.engine;
  {
    std::lock_guard lk(mu_);
    ec.loop = loop_;
    state_ = "starting";
  }
  auto p = Pipeline::create(ec, [this](const std::string& t) { on_icy_title(t); });
  if (!p) {
    set_error(p.error());
    std::lock_guard lk(mu_);
    state_ = "error";
    return Error{p.error(), p.code()};
  }
  std::shared_ptr<Pipeline> pipe = std::move(*p);
  {
    std::lock_guard lk(mu_);
    pipe->set_now_playing(overlay_text(track_), art_);
  }
  pipe->start();
  finished_ = false;
  std::lock_guard lk(mu_);
  pipeline_ = std::move(pipe);
  state_ = "running";
  started_ = Clock::now();
  started_at_ = iso_now();
  log::info("control", "stream started (loop '{}')", loop_);
  return Status::ok();
}

Status Supervisor::stop() {
  std::lock_guard lk(life_mu_);
  if (!pipeline()) return Error{"not running", Errc::conflict};
  stop_locked();
  return Status::ok();
}

void Supervisor::stop_locked() {
  std::shared_ptr<Pipeline> pipe;
  {
    std::lock_guard lk(mu_);
    if (!pipeline_) return;
    pipe = pipeline_;
    state_ = "stopping";
  }
  pipe->stop();
  const auto st = pipe->stats();
  std::lock_guard lk(mu_);
  pipeline_.reset();
  switches_before_ += st.switches;
  state_ = "stopped";
  started_at_.clear();
  fps_ = kbps_ = speed_ = 0;
  log::info("control", "stream stopped after {:.1f}s of media", st.output_seconds);
}

Status Supervisor::restart() {
  std::lock_guard lk(life_mu_);
  stop_locked();
  {
    std::lock_guard sk(mu_);
    ++restarts_;
  }
  return start_locked();
}

Status Supervisor::switch_loop(const std::string& loop_name) {
  auto path = resolve_loop_name(cfg_.control.loops_dir, loop_name);
  if (!path) return Error{path.error(), path.code()};
  TrackInfo t;
  t.source = "api";
  return queue_switch(*path, t, 0.0);
}

Status Supervisor::track_changed(const TrackInfo& track) {
  std::shared_ptr<const TrackMap> map;
  {
    std::lock_guard lk(mu_);
    if (same_track(track, track_) && !track_.source.empty()) return Status::ok();  // idempotent repeat
    track_ = track;
    ++track_changes_;
    map = map_;
  }
  const std::string loop = map->resolve(track);
  // Only station metadata runs ahead of the audio; ICY titles and manual requests apply at once.
  double delay = track.source == "webhook" ? cfg_.control.switch_delay : 0.0;
  // AzuraCast tells when the song started on the station; the listeners hear it `delay`
  // seconds after that, so a late webhook waits less.
  if (track.source == "webhook" && track.played_at > 0 && delay > 0) {
    const double since = static_cast<double>(std::time(nullptr) - track.played_at);
    if (since > 0 && since < 3600) delay = std::max(0.0, delay - since);
  }
  log::info("control", "track ({}): {} → loop '{}' in {:.1f}s", track.source,
            track.text.empty() ? track.artist + " - " + track.title : track.text, loop, delay);
  return queue_switch(loop, track, delay);
}

Status Supervisor::queue_switch(const std::string& loop, const TrackInfo& track, double delay) {
  std::lock_guard lk(mu_);
  // A newer request supersedes any switch still waiting.
  jobs_.clear();
  const bool new_text = !overlay_text(track).empty();
  if (loop == loop_ && !new_text) return Status::ok();  // already on air: nothing to switch
  // Same loop but a new song: the job only changes the overlay text, on the same schedule.
  jobs_.push_back(SwitchJob{loop, track, Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(delay * 1000)), nullptr});
  cv_.notify_all();
  return Status::ok();
}

void Supervisor::on_icy_title(const std::string& title) {
  if (!cfg_.control.icy_switch) return;  // shown in status as icy_title, but not a trigger
  TrackInfo t;
  t.source = "icy";
  t.text = title;
  if (auto dash = title.find(" - "); dash != std::string::npos) {
    t.artist = title.substr(0, dash);
    t.title = title.substr(dash + 3);
  } else {
    t.title = title;
  }
  track_changed(t);
}

Status Supervisor::reload_mapping() {
  auto m = TrackMap::load(cfg_.control.mapping_file, cfg_.control.loops_dir);
  if (!m) return Error{m.error(), m.code()};
  for (const auto& missing : m->missing_loops()) log::warn("control", "mapping names a missing loop '{}'", missing);
  auto shared = std::make_shared<const TrackMap>(std::move(*m));
  std::lock_guard lk(mu_);
  map_ = std::move(shared);
  log::info("control", "track mapping loaded from {}", cfg_.control.mapping_file);
  return Status::ok();
}

void Supervisor::record_command(const CommandAck& ack) {
  std::lock_guard lk(mu_);
  last_command_ = ack;
}

void Supervisor::set_error(const std::string& e) {
  log::error("control", "{}", e);
  std::lock_guard lk(mu_);
  last_error_ = e;
}

void Supervisor::process_switches() {
  std::string loop, text;
  std::shared_ptr<Prepared> prep;
  bool due = false, new_loop = false;
  {
    std::lock_guard lk(mu_);
    if (jobs_.empty()) return;
    SwitchJob& job = jobs_.front();
    new_loop = job.loop != loop_;
    const bool want_art = cfg_.engine.overlay.enabled && cfg_.engine.overlay.art && !job.track.art.empty();
    if ((new_loop || want_art) && !job.prep) {
      // Open the loop (first frame decoded) and fetch the art off the pipeline and off this
      // thread: a bad file never goes on air, a slow one or a slow art server delays only its
      // own switch.
      job.prep = std::make_shared<Prepared>();
      std::thread([prep = job.prep, path = new_loop ? job.loop : std::string(), art_url = want_art ? job.track.art : std::string(),
                   fmt = VideoFormat{cfg_.engine.width, cfg_.engine.height, AV_PIX_FMT_YUV420P}, ov = cfg_.engine.overlay] {
        Result<std::unique_ptr<LoopSource>> src = path.empty() ? Result<std::unique_ptr<LoopSource>>(nullptr) : LoopSource::open(path, fmt);
        Result<ArtPtr> art = src && !art_url.empty() ? load_cover_art(art_url, ov.art_size, ov.art_timeout) : Result<ArtPtr>(nullptr);
        std::lock_guard pk(prep->mu);
        if (src) prep->src = std::move(*src);
        else prep->error = src.error();
        if (art) prep->art = std::move(*art);
        else prep->art_error = art.error();
        prep->done = true;
      }).detach();
    }
    loop = job.loop;
    text = overlay_text(job.track);
    prep = job.prep;
    due = Clock::now() >= job.due;
  }
  std::unique_ptr<LoopSource> ready;
  ArtPtr art;
  if (prep) {
    std::lock_guard pk(prep->mu);
    if (!prep->done) return;  // still opening
    if (new_loop && !prep->src) {
      std::lock_guard lk(mu_);
      if (!jobs_.empty() && jobs_.front().prep == prep) jobs_.pop_front();
      last_error_ = fmt::format("switch refused, keeping '{}': {}", loop_, prep->error);
      log::warn("control", "{}", last_error_);
      return;
    }
    if (!due) return;
    if (!prep->art_error.empty()) {
      log::warn("control", "{}; the song shows its text only", prep->art_error);
      prep->art_error.clear();
    }
    ready = std::move(prep->src);
    art = prep->art;
  } else if (!due) {
    return;
  }
  {
    std::lock_guard lk(mu_);
    if (jobs_.empty() || jobs_.front().prep != prep || jobs_.front().loop != loop) return;  // superseded meanwhile
    jobs_.pop_front();
    loop_ = loop;
    if (!text.empty()) art_ = art;  // a new song: its art, or none (never the last song's)
  }
  // Not running (or starting right now): the next start uses loop_.
  if (auto pipe = pipeline()) {
    if (ready) pipe->switch_to(std::move(ready));
    if (!text.empty()) pipe->set_now_playing(text, art);
  }
}

void Supervisor::restart_after_fault(const std::string& why) {
  set_error(why);
  // A pipeline thread stuck in a blocking read (a loop on a dead mount, a pipe) cannot be
  // joined. Give the stop a bounded time; past it, exit so the service manager (Docker's restart
  // policy, systemd) starts a fresh process: a stuck process streams nothing anyway.
  std::atomic<bool> stopped{false};
  std::thread guard([&stopped, timeout = cfg_.control.watchdog_timeout] {
    const auto until = Clock::now() + std::chrono::duration<double>(std::max(5.0, timeout));
    while (!stopped && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!stopped) {
      log::error("control", "the stuck pipeline did not stop; exiting (code 70) for the service manager to restart loopcast");
      std::_Exit(70);
    }
  });
  stop_locked();
  stopped = true;
  guard.join();
  {
    std::lock_guard lk(mu_);
    ++restarts_;
  }
  if (Status st = start_locked(); !st) next_retry_ = Clock::now() + std::chrono::seconds(5);
}

void Supervisor::watch_pipeline() {
  std::unique_lock life(life_mu_, std::try_to_lock);
  if (!life.owns_lock()) return;
  auto pipe = pipeline();
  if (!pipe) {
    // An automatic restart that failed (e.g. the loop file vanished) is retried, calmly.
    bool retry;
    {
      std::lock_guard lk(mu_);
      retry = state_ == "error" && next_retry_ != Clock::time_point{} && Clock::now() >= next_retry_;
    }
    if (retry && !start_locked()) next_retry_ = Clock::now() + std::chrono::seconds(5);
    return;
  }
  const auto s = pipe->stats();
  if (s.finished) {
    if (!s.error.empty()) return restart_after_fault(fmt::format("pipeline died ({}); restarting", s.error));
    stop_locked();
    finished_ = true;
    return;
  }
  const double wd = cfg_.control.watchdog_timeout;
  if (wd > 0 && s.wall_seconds > wd && s.last_packet_age > wd)
    restart_after_fault(fmt::format("watchdog: no packet for {:.0f}s; restarting the pipeline", s.last_packet_age));
}

void Supervisor::run() {
  uint64_t last_frames = 0, last_bytes = 0;
  double last_media = 0;
  auto last_sample = Clock::now();
  while (!quit_) {
    {
      std::unique_lock lk(mu_);
      // 25 ms: a prepared switch goes on air within a tick of its due time.
      cv_.wait_for(lk, std::chrono::milliseconds(25));
    }
    if (quit_) break;
    process_switches();
    watch_pipeline();
    // Rates over the last second, for status and metrics.
    if (Clock::now() - last_sample >= std::chrono::seconds(1)) {
      const double dt = std::chrono::duration<double>(Clock::now() - last_sample).count();
      last_sample = Clock::now();
      auto pipe = pipeline();
      if (!pipe) {
        last_frames = last_bytes = 0;
        last_media = 0;
        continue;
      }
      const auto s = pipe->stats();
      const uint64_t bytes = s.video_bytes + s.audio_bytes;
      std::lock_guard lk(mu_);
      fps_ = (s.video_frames - std::min(last_frames, s.video_frames)) / dt;
      kbps_ = (bytes - std::min(last_bytes, bytes)) * 8 / 1000.0 / dt;
      speed_ = (s.output_seconds - std::min(last_media, s.output_seconds)) / dt;
      last_frames = s.video_frames;
      last_bytes = bytes;
      last_media = s.output_seconds;
    }
  }
}

StatusSnapshot Supervisor::status() const {
  StatusSnapshot s;
  s.pid = static_cast<int>(getpid());
  {
    std::lock_guard lk(mu_);
    s.state = state_;
    s.track = track_;
    s.loop = loop_;
    if (!jobs_.empty() && jobs_.front().loop != loop_) {  // (a same-loop job only changes the overlay text)
      s.pending_loop = jobs_.front().loop;
      s.pending_in = std::max(0.0, std::chrono::duration<double>(jobs_.front().due - Clock::now()).count());
    }
    s.last_error = last_error_;
    s.last_command = last_command_;
    s.restarts = restarts_;
    s.started_at = started_at_;
    s.fps = fps_;
    s.bitrate_kbps = kbps_;
    s.speed = speed_;
    s.switches = switches_before_;
    s.track_changes = track_changes_;
    if (state_ == "running") s.uptime = std::chrono::duration<double>(Clock::now() - started_).count();
  }
  if (auto pipe = pipeline()) {
    const auto p = pipe->stats();
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
    if (!a.last_error.empty() && s.last_error.empty()) s.last_error = a.last_error;
  }
  return s;
}

}  // namespace loopcast
