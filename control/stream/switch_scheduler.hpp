// The loop switches between a request (webhook, ICY, API, a time rule) and the moment each goes
// on air: delayed, prepared off the switching thread (by a LoopPreparer), coalesced to the latest
// request, at most one applied per kMinSwitchInterval. It owns which loop is on air as far as
// switching knows, and settles each request's ticket; putting a switch on the pipeline is the
// caller's job. Time comes in through `now`, so tests need no sleep.
#pragma once
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "base/thread_annotations.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/mapping/track.hpp"
#include "control/stream/loop_preparer.hpp"
#include "control/stream/switch_ticket.hpp"

namespace loopcast {

class SwitchScheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using NowFn = std::function<Clock::time_point()>;
  // A webhook storm becomes at most one switch a second, each to the latest request.
  static constexpr Clock::duration kMinSwitchInterval = std::chrono::seconds(1);
  // A prepare (running or ready, not yet on air) is shared by requests for the same loop and art
  // this long: a flood alternating between a few loops does not open the same file on every tick.
  static constexpr Clock::duration kPrepareReuse = std::chrono::seconds(5);

  // A switch due now, for the caller to put on air.
  struct Switch {
    LoopRef loop;                        // now on air
    std::string text;                    // the song's overlay text; empty: the text stays
    std::unique_ptr<LoopSource> src;     // null: same loop (or spliced)
    std::unique_ptr<CachedLoop> cached;  // the loop's cache when the stream splices
    ArtPtr art;                          // the song's art (null: none), when text is set
    std::string art_error;               // the art failed: the song shows its text only
    bool new_loop = false;               // another loop than the one on air before
    TrackSource source{};                // what asked for it (events list)
  };
  // The loop could not be opened: the switch is dropped and the loop on air stays.
  struct Refusal {
    std::string error;  // "switch refused, keeping 'x': why"
  };
  using Step = std::variant<std::monostate, Switch, Refusal>;

  struct Pending {
    LoopRef loop;
    double in = 0;  // seconds until it is due
  };

  // `on_air`: the loop a start uses; `art`: cover art is wanted for songs that name it. The
  // preparer outlives the scheduler.
  SwitchScheduler(LoopRef on_air, bool art, LoopPreparer& preparer, NowFn now = Clock::now);

  // A song or manual request, due after `delay`: supersedes every waiting switch (their tickets
  // say so). Null when nothing is queued: the loop on air without new text.
  SwitchWait request(const LoopRef& loop, const TrackInfo& track, Clock::duration delay) EXCLUDES(mu_);
  // A time rule's edge: queued in due order beside the song's switches, superseding nothing.
  // False when `loop` is what will be on air at `due` anyway.
  bool add_edge(const LoopRef& loop, Clock::time_point due) EXCLUDES(mu_);
  // One tick of the switching thread: starts the front switch's prepare, and hands it over once
  // it is prepared, due, and the last switch is kMinSwitchInterval old.
  Step poll(bool splice) EXCLUDES(mu_);

  LoopRef on_air() const EXCLUDES(mu_);
  std::optional<Pending> pending() const EXCLUDES(mu_);  // a waiting switch to another loop

 private:
  struct Job {
    LoopRef loop;
    TrackInfo track;
    Clock::time_point due;
    std::shared_ptr<PreparedLoop> prep;  // null until poll() starts it (or none is needed)
    std::shared_ptr<SwitchTicket> ticket;
  };
  std::shared_ptr<PreparedLoop> prepare(PrepareOrder order) REQUIRES(mu_);
  void drop_jobs(SwitchTicket::Outcome why) REQUIRES(mu_);

  const bool art_;
  LoopPreparer& preparer_;
  const NowFn now_;
  mutable Mutex mu_;  // never held across blocking calls; taken before a PreparedLoop's mutex
  LoopRef on_air_ GUARDED_BY(mu_);
  std::deque<Job> jobs_ GUARDED_BY(mu_);  // in due order
  std::map<std::string, std::pair<std::shared_ptr<PreparedLoop>, Clock::time_point>> prepared_ GUARDED_BY(mu_);
  Clock::time_point last_switch_ GUARDED_BY(mu_){};
};

}  // namespace loopcast
