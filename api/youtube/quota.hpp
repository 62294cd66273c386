// The YouTube Data API's daily quota, counted on our side: every call's cost is charged before it
// is made, the day resets at midnight Pacific time (as Google's does), and optional updates (the
// song in the title) may only spend what the watch/recover loop does not need until the reset.
// Pure: time comes in as an argument, so the DST edges are unit-tested.
#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "base/thread_annotations.hpp"

namespace loopcast {

using SysSeconds = std::chrono::sys_seconds;

// Costs from the API reference: a list is 1 unit; insert, update, bind and transition are 50.
constexpr int kQuotaList = 1;
constexpr int kQuotaWrite = 50;
// A recovery: insert + bind + transition.
constexpr int kQuotaRecovery = 3 * kQuotaWrite;

// Seconds east of UTC in America/Los_Angeles at `t` (US rule since 2007: PDT from the second
// Sunday of March 02:00 PST to the first Sunday of November 02:00 PDT). No tz database needed,
// and no process-wide TZ switch beside the schedule's zone.
int pacific_offset(SysSeconds t);
// The first instant after `t` at which the Pacific date changes: when the quota resets.
SysSeconds next_pacific_midnight(SysSeconds t);

// Thread-safe: the streams of one OAuth project share one (shared_quota below).
class QuotaBudget {
 public:
  enum class Need { watch, optional };  // watch: the watch/recover loop; optional: song titles

  explicit QuotaBudget(int budget) : budget_(budget) {}
  // Charges `units` and says whether the call may go ahead. A watch call may spend up to the
  // budget; an optional one only what leaves `reserve` (what the loop needs until the reset).
  bool spend(int units, Need need, SysSeconds now, int reserve = 0) EXCLUDES(mu_);
  // YouTube answered quotaExceeded: nothing more until the reset, whatever our count says.
  void exhausted(SysSeconds now) EXCLUDES(mu_);
  bool blocked(SysSeconds now) EXCLUDES(mu_);  // the budget is spent (or YouTube said so) until the reset
  int used(SysSeconds now) EXCLUDES(mu_);
  int budget() const { return budget_; }
  SysSeconds reset_at(SysSeconds now) EXCLUDES(mu_);

 private:
  void roll(SysSeconds now) REQUIRES(mu_);  // a new Pacific day starts from zero
  const int budget_;
  Mutex mu_;
  int used_ GUARDED_BY(mu_) = 0;
  bool exhausted_ GUARDED_BY(mu_) = false;
  SysSeconds reset_ GUARDED_BY(mu_){};  // end of the day being counted
};

// Google counts quota per OAuth project, not per stream: every watch of the process that calls
// `api_url` as `client_id` spends from one budget (the first one's size; a different size given
// later is logged and ignored). Its use_count() is how many watches share it, which each of them
// multiplies its own needs by when it plans polls and its reserve.
std::shared_ptr<QuotaBudget> shared_quota(const std::string& client_id, const std::string& api_url, int budget);

// How long to wait between polls so that `per_poll` units every `poll_s` seconds, plus one
// recovery, fit in the `left` units until the reset `to_reset_s` seconds away: poll_s when they
// fit, longer when they do not (a small budget slows the watch rather than stopping it at noon).
double paced_poll(double poll_s, int per_poll, int left, double to_reset_s);

}  // namespace loopcast
