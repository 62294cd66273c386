// The YouTube quota: costs, the day that resets at midnight Pacific time (DST edges checked
// against the tz database), the reserve that optional updates must leave to the watch.
#include <doctest/doctest.h>

#include "api/youtube/quota.hpp"
#include "control/time/time_zone.hpp"

using namespace loopcast;
using namespace std::chrono;

namespace {
SysSeconds at(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours(h) + minutes(min) + seconds(s);
}
}  // namespace

TEST_CASE("youtube quota: the Pacific offset switches at 10:00 UTC in March and 09:00 UTC in November") {
  CHECK(pacific_offset(at(2026, 3, 8, 9, 59, 59)) == -8 * 3600);
  CHECK(pacific_offset(at(2026, 3, 8, 10)) == -7 * 3600);
  CHECK(pacific_offset(at(2026, 11, 1, 8, 59, 59)) == -7 * 3600);
  CHECK(pacific_offset(at(2026, 11, 1, 9)) == -8 * 3600);
  CHECK(pacific_offset(at(2027, 3, 14, 10)) == -7 * 3600);  // second Sunday of March 2027
  CHECK(pacific_offset(at(2027, 3, 7, 12)) == -8 * 3600);
}

TEST_CASE("youtube quota: pacific_offset agrees with the tz database's America/Los_Angeles over years") {
  auto la = TimeZone::locate("America/Los_Angeles");
  REQUIRE(la);
  int checked = 0;
  for (SysSeconds t = at(2024, 1, 1, 0); t < at(2029, 1, 1, 0); t += hours(7) + minutes(13)) {
    CAPTURE(t.time_since_epoch().count());
    REQUIRE(pacific_offset(t) == la->to_local(t).utc_offset);
    ++checked;
  }
  CHECK(checked > 5000);
}

TEST_CASE("youtube quota: the reset is the next Pacific midnight, 23 h and 25 h days included") {
  CHECK(next_pacific_midnight(at(2026, 7, 1, 12)) == at(2026, 7, 2, 7));    // PDT: midnight is 07:00 UTC
  CHECK(next_pacific_midnight(at(2026, 1, 15, 12)) == at(2026, 1, 16, 8));  // PST: 08:00 UTC
  CHECK(next_pacific_midnight(at(2026, 1, 16, 7, 59, 59)) == at(2026, 1, 16, 8));
  CHECK(next_pacific_midnight(at(2026, 1, 16, 8)) == at(2026, 1, 17, 8));
  // Spring forward (8 March 2026): that Pacific day has 23 hours.
  CHECK(next_pacific_midnight(at(2026, 3, 8, 8)) == at(2026, 3, 9, 7));
  // Fall back (1 November 2026): 25 hours.
  CHECK(next_pacific_midnight(at(2026, 11, 1, 7)) == at(2026, 11, 2, 8));
  auto la = TimeZone::locate("America/Los_Angeles");
  REQUIRE(la);
  for (SysSeconds t = at(2026, 1, 1, 0); t < at(2027, 1, 1, 0); t += hours(5) + minutes(31)) {
    const SysSeconds r = next_pacific_midnight(t);
    CAPTURE(t.time_since_epoch().count());
    CHECK(r > t);
    CHECK(la->to_local(r).second == 0);                                // local midnight
    CHECK(la->to_local(r - seconds(1)).date == la->to_local(t).date);  // the same day until then
  }
}

TEST_CASE("youtube quota: calls are charged, optional ones keep the watch's reserve, the day resets") {
  QuotaBudget q(200);
  const SysSeconds t = at(2026, 7, 1, 12);
  CHECK(q.spend(kQuotaList, QuotaBudget::Need::watch, t));
  CHECK(q.spend(kQuotaWrite, QuotaBudget::Need::watch, t));
  CHECK(q.used(t) == 51);
  // 51 used, 99 reserved for the watch: a 50-unit update fits once (101 <= 200 − 99), not twice (151).
  CHECK(q.spend(kQuotaWrite, QuotaBudget::Need::optional, t, 99));
  CHECK_FALSE(q.spend(kQuotaWrite, QuotaBudget::Need::optional, t, 99));
  CHECK_FALSE(q.spend(kQuotaWrite, QuotaBudget::Need::optional, t, 100));  // 101 + 50 > 100
  CHECK(q.used(t) == 101);
  CHECK(q.spend(kQuotaWrite, QuotaBudget::Need::watch, t));  // the watch may use the reserve
  CHECK(q.spend(kQuotaWrite - 2, QuotaBudget::Need::watch, t));
  CHECK(q.used(t) == 199);
  CHECK_FALSE(q.blocked(t));
  CHECK(q.spend(kQuotaList, QuotaBudget::Need::watch, t));
  CHECK_FALSE(q.spend(kQuotaList, QuotaBudget::Need::watch, t));
  CHECK(q.blocked(t));
  CHECK(q.reset_at(t) == at(2026, 7, 2, 7));
  CHECK(q.used(at(2026, 7, 2, 6, 59, 59)) == 200);
  CHECK(q.used(at(2026, 7, 2, 7)) == 0);  // midnight Pacific
  CHECK_FALSE(q.blocked(at(2026, 7, 2, 7)));
}

TEST_CASE("youtube quota: YouTube's quotaExceeded blocks everything until the reset") {
  QuotaBudget q(10000);
  const SysSeconds t = at(2026, 11, 1, 8);  // 01:00 PDT, the morning the clocks fall back
  q.exhausted(t);
  CHECK(q.blocked(t));
  CHECK_FALSE(q.spend(1, QuotaBudget::Need::watch, t));
  CHECK(q.blocked(at(2026, 11, 2, 7, 59, 59)));  // 23:59:59 PST
  CHECK_FALSE(q.blocked(at(2026, 11, 2, 8)));
}

TEST_CASE("youtube quota: polling slows down when the budget cannot pay for the rest of the day") {
  CHECK(paced_poll(30, 3, 10000, 86400) == doctest::Approx(30));  // 2880 polls × 3 = 8640 fit in 10000 − 150
  CHECK(paced_poll(15, 3, 10000, 86400) == doctest::Approx(86400.0 / ((10000 - kQuotaRecovery) / 3.0)));
  CHECK(paced_poll(30, 3, 100, 3600) == doctest::Approx(3600));  // nothing beyond a recovery: wait for the reset
}

TEST_CASE("youtube quota: the streams of one OAuth client spend from one budget") {
  const SysSeconds t = std::chrono::sys_days{std::chrono::year{2026} / 7 / 1} + std::chrono::hours(12);
  auto a = shared_quota("client-a", "https://api.test/youtube/v3", 120);
  auto b = shared_quota("client-a", "https://api.test/youtube/v3", 99999);  // the first budget stands
  auto other = shared_quota("client-b", "https://api.test/youtube/v3", 120);
  CHECK(a == b);
  CHECK(b->budget() == 120);
  CHECK(a.use_count() == 2);  // two watches share it: each plans with its share
  CHECK(a->spend(kQuotaWrite, QuotaBudget::Need::watch, t));
  CHECK(b->spend(kQuotaWrite, QuotaBudget::Need::watch, t));
  CHECK_FALSE(a->spend(kQuotaWrite, QuotaBudget::Need::watch, t));  // 150 > 120: together, not 50 each
  CHECK(b->used(t) == 100);
  CHECK(other->used(t) == 0);
  CHECK(other->spend(kQuotaWrite, QuotaBudget::Need::watch, t));
  a.reset();
  b.reset();
  // Once no stream uses it, the next one starts a budget of its own.
  CHECK(shared_quota("client-a", "https://api.test/youtube/v3", 300)->budget() == 300);
}
