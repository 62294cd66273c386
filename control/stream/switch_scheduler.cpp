#include "control/stream/switch_scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace loopcast {
namespace {
// A prepare's identity: the same loop (a scene with its text), the same art, the same path.
std::string prepare_key(const PrepareOrder& o) {
  return fmt::format("{}\n{}\n{}\n{}\n{}", static_cast<int>(o.loop.kind()), o.loop.location(), o.loop.text(), o.art_url,
                     o.splice ? "splice" : "encode");
}
}  // namespace

SwitchScheduler::SwitchScheduler(LoopRef on_air, bool art, LoopPreparer& preparer, NowFn now)
    : art_(art), preparer_(preparer), now_(std::move(now)), on_air_(std::move(on_air)) {}

void SwitchScheduler::drop_jobs(SwitchTicket::Outcome why) {
  for (auto& j : jobs_) j.ticket->settle(why);
  jobs_.clear();
}

SwitchWait SwitchScheduler::request(const LoopRef& loop, const TrackInfo& track, Clock::duration delay) {
  MutexLock lk(mu_);
  drop_jobs(SwitchTicket::Outcome::superseded);  // a newer request supersedes any switch still waiting
  if (loop == on_air_ && display_text(track).empty()) return nullptr;  // already on air: nothing to switch
  // Same loop but a new song: the job only changes the overlay text, on the same schedule.
  auto ticket = std::make_shared<SwitchTicket>(delay > Clock::duration::zero());
  jobs_.push_back(Job{loop, track, now_() + delay, nullptr, ticket});
  return ticket;
}

bool SwitchScheduler::add_edge(const LoopRef& loop, Clock::time_point due) {
  MutexLock lk(mu_);
  // What will be on air at the edge: the last job due by then, else the loop on air now.
  LoopRef at_edge = on_air_;
  for (const auto& j : jobs_)
    if (j.due <= due + std::chrono::seconds(1)) at_edge = j.loop;
  if (at_edge == loop) return false;
  TrackInfo t;
  t.source = TrackSource::schedule;  // no text: the overlay keeps the song
  auto pos = std::find_if(jobs_.begin(), jobs_.end(), [&](const Job& j) { return j.due > due; });
  jobs_.insert(pos, Job{loop, t, due, nullptr, std::make_shared<SwitchTicket>(true)});
  return true;
}

// A recent prepare for the same loop, art and path (encode or splice), running or ready, is shared.
std::shared_ptr<PreparedLoop> SwitchScheduler::prepare(PrepareOrder order) {
  const auto now = now_();
  for (auto it = prepared_.begin(); it != prepared_.end();) {  // forget old ones and those already on air
    auto& p = *it->second.first;
    MutexLock pk(p.mu);
    const bool used = p.done && !p.src && !p.cached && p.error.empty();
    it = used || now - it->second.second > kPrepareReuse ? prepared_.erase(it) : std::next(it);
  }
  const std::string key = prepare_key(order);
  if (auto it = prepared_.find(key); it != prepared_.end()) return it->second.first;
  auto prep = preparer_.prepare(std::move(order));
  prepared_[key] = {prep, now};
  return prep;
}

// Held under mu_ from look to hand-over, so a request cannot supersede the job halfway: a
// superseded job's prepare keeps its loop, and a newer job for the same loop reuses it.
SwitchScheduler::Step SwitchScheduler::poll(bool splice) {
  MutexLock lk(mu_);
  if (jobs_.empty()) return {};
  Job& job = jobs_.front();
  const bool new_loop = job.loop != on_air_;
  const bool want_art = art_ && !job.track.art.empty();
  if ((new_loop || want_art) && !job.prep)
    job.prep = prepare(PrepareOrder{new_loop ? job.loop : LoopRef{}, want_art ? job.track.art : std::string(), splice, job.track});
  const auto now = now_();
  const bool ready = now >= job.due && now - last_switch_ >= kMinSwitchInterval;
  Switch sw;
  sw.loop = job.loop;
  sw.text = display_text(job.track);
  sw.new_loop = new_loop;
  sw.source = job.track.source;
  if (job.prep) {
    PreparedLoop& p = *job.prep;
    MutexLock pk(p.mu);
    if (!p.done) return {};  // still opening
    if (new_loop && !p.src && !p.cached) {
      Refusal r{fmt::format("switch refused, keeping '{}': {}", on_air_.shown(), p.error)};
      pk.unlock();
      job.ticket->settle(SwitchTicket::Outcome::refused, r.error);
      jobs_.pop_front();
      return r;
    }
    if (!ready) return {};
    sw.art_error = std::move(p.art_error);
    p.art_error.clear();
    sw.src = std::move(p.src);
    sw.cached = std::move(p.cached);
    sw.art = p.art;
  } else if (!ready) {
    return {};
  }
  job.ticket->settle(SwitchTicket::Outcome::on_air);
  jobs_.pop_front();
  last_switch_ = now;
  on_air_ = sw.loop;
  if (sw.text.empty()) sw.art = nullptr;  // no new song: the art on air stays
  return sw;
}

LoopRef SwitchScheduler::on_air() const {
  MutexLock lk(mu_);
  return on_air_;
}

std::optional<SwitchScheduler::Pending> SwitchScheduler::pending() const {
  MutexLock lk(mu_);
  // A same-loop job only changes the overlay text: nothing is pending for the loop.
  if (jobs_.empty() || jobs_.front().loop == on_air_) return std::nullopt;
  return Pending{jobs_.front().loop, std::max(0.0, std::chrono::duration<double>(jobs_.front().due - now_()).count())};
}

}  // namespace loopcast
