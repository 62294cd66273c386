#include "api/youtube/quota.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "base/log.hpp"

namespace loopcast {
namespace {
using namespace std::chrono;

constexpr int kPst = -8 * 3600;
constexpr int kPdt = -7 * 3600;

// The budgets of the process, by OAuth client and API (shared_quota).
Mutex g_shared_mu;
std::map<std::string, std::weak_ptr<QuotaBudget>> g_shared GUARDED_BY(g_shared_mu);

// The n-th Sunday (1-based) of a month, as a date.
sys_days nth_sunday(year y, month m, unsigned n) { return sys_days{year_month_weekday{y, m, weekday_indexed{Sunday, n}}}; }
}  // namespace

int pacific_offset(SysSeconds t) {
  // The year is the same in UTC and Pacific at both changes (March and November).
  const year y = year_month_day{floor<days>(t)}.year();
  const SysSeconds dst_start = nth_sunday(y, March, 2) + hours(2) - seconds(kPst);   // 10:00 UTC
  const SysSeconds dst_end = nth_sunday(y, November, 1) + hours(2) - seconds(kPdt);  // 09:00 UTC
  return t >= dst_start && t < dst_end ? kPdt : kPst;
}

SysSeconds next_pacific_midnight(SysSeconds t) {
  const sys_days today = floor<days>(t + seconds(pacific_offset(t)));
  const sys_days tomorrow = today + days(1);
  // Midnight is never inside a change (they happen at 02:00): one of the two offsets is right.
  for (int off : {kPdt, kPst}) {
    const SysSeconds candidate = tomorrow - seconds(off);
    if (pacific_offset(candidate) == off) return candidate;
  }
  return tomorrow - seconds(kPst);
}

void QuotaBudget::roll(SysSeconds now) {
  if (reset_.time_since_epoch().count() != 0 && now < reset_) return;
  used_ = 0;
  exhausted_ = false;
  reset_ = next_pacific_midnight(now);
}

bool QuotaBudget::spend(int units, Need need, SysSeconds now, int reserve) {
  MutexLock lk(mu_);
  roll(now);
  if (exhausted_) return false;
  const int limit = need == Need::watch ? budget_ : budget_ - std::max(0, reserve);
  if (used_ + units > limit) return false;
  used_ += units;
  return true;
}

void QuotaBudget::exhausted(SysSeconds now) {
  MutexLock lk(mu_);
  roll(now);
  exhausted_ = true;
}

bool QuotaBudget::blocked(SysSeconds now) {
  MutexLock lk(mu_);
  roll(now);
  return exhausted_ || used_ + kQuotaList > budget_;
}

int QuotaBudget::used(SysSeconds now) {
  MutexLock lk(mu_);
  roll(now);
  return used_;
}

SysSeconds QuotaBudget::reset_at(SysSeconds now) {
  MutexLock lk(mu_);
  roll(now);
  return reset_;
}

std::shared_ptr<QuotaBudget> shared_quota(const std::string& client_id, const std::string& api_url, int budget) {
  MutexLock lk(g_shared_mu);
  auto& slot = g_shared[client_id + " " + api_url];
  if (auto live = slot.lock()) {
    if (live->budget() != budget)
      log::warn("youtube", "streams of one OAuth client share one quota of {} units a day; {} given for another stream is ignored",
                live->budget(), budget);
    return live;
  }
  auto made = std::make_shared<QuotaBudget>(budget);
  slot = made;
  return made;
}

double paced_poll(double poll_s, int per_poll, int left, double to_reset_s) {
  const int for_polls = left - kQuotaRecovery;
  if (per_poll <= 0 || to_reset_s <= 0) return poll_s;
  if (for_polls <= 0) return std::max(poll_s, to_reset_s);  // nothing left for polls: wait for the reset
  const double polls_affordable = static_cast<double>(for_polls) / per_poll;
  return std::max(poll_s, to_reset_s / polls_affordable);
}

}  // namespace loopcast
