#include "control/stream/pipeline_runner.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "base/redact.hpp"
#include "base/time_text.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/status/pipeline_status.hpp"
#include "control/stream/splice_policy.hpp"

namespace loopcast {
namespace {
double seconds(std::chrono::steady_clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }
}  // namespace

PipelineRunner::PipelineRunner(const EngineConfig& cfg, LoopCache* cache, EventLog& events, Lifecycle& life, double watchdog_timeout,
                               OpeningFn opening, IcyFn icy)
    : cfg_(cfg), cache_(cache), events_(events), life_(life), watchdog_(watchdog_timeout), opening_(std::move(opening)),
      icy_(std::move(icy)), last_sample_(Clock::now()) {}

PipelineRunner::~PipelineRunner() {
  MutexLock lk(life_mu_);
  stop_locked();
}

std::shared_ptr<Pipeline> PipelineRunner::pipeline() const {
  MutexLock lk(mu_);
  return pipeline_;
}

Status PipelineRunner::start() {
  MutexLock lk(life_mu_);
  return start_locked();
}

Status PipelineRunner::start_locked() {
  if (pipeline()) return Error{"already running", Errc::conflict};
  if (Status st = life_.to(StreamState::starting); !st) return st;
  const Opening open = opening_();
  EngineConfig ec = cfg_;
  ec.loop = open.loop;
  auto p = Pipeline::create(ec, icy_, start_cache(cache_, cfg_.video_mode == VideoMode::splice, ec.loop));
  if (!p) {
    set_error(p.error());
    (void)life_.to(StreamState::error);
    return p.forward();
  }
  std::shared_ptr<Pipeline> pipe = std::move(*p);
  pipe->set_now_playing(open.text, open.art);
  if (pipe->splicing() && open.card) pipe->show_card(open.card);
  else if (!pipe->splicing() && open.draw_card) pipe->draw_card(*open.draw_card);
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

Status PipelineRunner::stop() {
  MutexLock lk(life_mu_);
  if (!pipeline()) {
    watchdog_.cancel_retry();  // a stop also cancels a pending automatic restart
    return Error{"not running", Errc::conflict};
  }
  stop_locked();
  return Status::ok();
}

void PipelineRunner::stop_locked() {
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

Status PipelineRunner::restart() {
  MutexLock lk(life_mu_);
  stop_locked();
  {
    MutexLock sk(mu_);
    ++restarts_;
  }
  return start_locked();
}

void PipelineRunner::set_error(const std::string& e) {
  log::error("control", "{}", e);
  keep_error(e);
}

void PipelineRunner::set_warning(const std::string& e) {
  log::warn("control", "{}", e);
  keep_error(e);
}

void PipelineRunner::keep_error(const std::string& e) {
  events_.add(EventKind::error, e);
  MutexLock lk(mu_);
  last_error_ = redact_text(e);  // status is read without a token: no registered secret in it
}

void PipelineRunner::restart_after_fault(const std::string& why) {
  set_error(why);
  watchdog_.stop_or_exit([this]() NO_THREAD_SAFETY_ANALYSIS { stop_locked(); });  // life_mu_ is held
  {
    MutexLock lk(mu_);
    ++restarts_;
  }
  if (Status st = start_locked(); !st) watchdog_.retry_later();
}

void PipelineRunner::watch() {
  watch_health();
  if (Clock::now() - last_sample_ >= std::chrono::seconds(1)) {  // rates over the last second
    last_sample_ = Clock::now();
    measure_rates();
  }
}

void PipelineRunner::watch_health() {
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

void PipelineRunner::measure_rates() {
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

void PipelineRunner::into(StatusSnapshot& s) const {
  std::shared_ptr<Pipeline> pipe;
  {
    MutexLock lk(mu_);
    s.last_error = last_error_;
    s.restarts = restarts_;
    s.started_at = started_at_;
    s.fps = rates_.fps;
    s.bitrate_kbps = rates_.kbps;
    s.speed = rates_.speed;
    s.switches = switches_before_;
    if (pipeline_) s.uptime = std::chrono::duration<double>(Clock::now() - started_).count();
    pipe = pipeline_;
  }
  if (pipe) add_pipeline_status(s, *pipe);
}

}  // namespace loopcast
