#include "control/time/time_zone.hpp"

#include "base/thread_annotations.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <optional>

namespace loopcast {
namespace chr = std::chrono;

namespace {
Mutex g_tz_mu;  // guards TZ and the C library's zone state for our conversions

struct TzState {
  bool initialised = false;
  std::optional<std::string> original;  // $TZ at the first use: the "system's" zone
  std::string current;                  // zone name last selected ("" = the system's)
};
TzState g_tz GUARDED_BY(g_tz_mu);

// Select `name` as the C library's zone.
void select_zone(const std::string& name) REQUIRES(g_tz_mu) {
  if (!g_tz.initialised) {
    if (const char* tz = std::getenv("TZ")) g_tz.original = tz;
    g_tz.initialised = true;
    tzset();
  }
  if (name == g_tz.current) return;
  if (!name.empty()) setenv("TZ", name.c_str(), 1);
  else if (g_tz.original) setenv("TZ", g_tz.original->c_str(), 1);
  else unsetenv("TZ");
  tzset();
  g_tz.current = name;
}

std::string zoneinfo_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}
}  // namespace

Result<TimeZone> TimeZone::locate(const std::string& name) {
  TimeZone z;
  if (name.empty()) return z;
  auto unknown = [&] {
    return Error{fmt::format("unknown time zone '{}' (expected an IANA name like Europe/Berlin)", name), Errc::invalid};
  };
  if (name.front() == '/' || name.find("..") != std::string::npos) return unknown();
  std::ifstream in(zoneinfo_dir() + "/" + name, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, 4) || std::string(magic, 4) != "TZif") return unknown();
  z.name_ = name;
  return z;
}

std::string TimeZone::display_name() const {
  if (!name_.empty()) return name_;
  const char* tz = std::getenv("TZ");
  return tz && *tz ? tz : "system";
}

int TimeZone::offset_at(SysSeconds t) const { return to_local(t).utc_offset; }

LocalTime TimeZone::to_local(SysSeconds t) const {
  const std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  {
    MutexLock lk(g_tz_mu);
    select_zone(name_);
    localtime_r(&tt, &tm);
  }
  LocalTime lt;
  lt.date = SysDays(chr::year(tm.tm_year + 1900) / chr::month(tm.tm_mon + 1) / chr::day(tm.tm_mday));
  lt.minute = tm.tm_hour * 60 + tm.tm_min;
  lt.second = lt.minute * 60 + tm.tm_sec;
  lt.utc_offset = static_cast<int>(tm.tm_gmtoff);
  return lt;
}

SysSeconds TimeZone::first_reaching(SysDays date, int second) const {
  // The wall time as if it were UTC; an instant u shows it when u + offset(u) == wall. The offsets
  // a day either side bound the search (zones change offset at most once in two days).
  const SysSeconds wall = chr::time_point_cast<chr::seconds>(date) + chr::seconds(second);
  const int before = offset_at(wall - chr::hours(24)), after = offset_at(wall + chr::hours(24));
  const SysSeconds lo = wall - chr::seconds(std::max(before, after)), hi = wall - chr::seconds(std::min(before, after));
  for (SysSeconds u : {lo, hi})  // the earlier exact match first: a fall-back overlap's first pass
    if (u + chr::seconds(offset_at(u)) == wall) return u;
  // In a spring-forward gap: the first instant of [lo, hi] whose wall time is past `wall`.
  SysSeconds a = lo, b = hi;
  while (b - a > chr::seconds(1)) {
    const SysSeconds mid = a + (b - a) / 2;
    (mid + chr::seconds(offset_at(mid)) >= wall ? b : a) = mid;
  }
  return b;
}

std::string TimeZone::iso(SysSeconds t) const {
  const LocalTime lt = to_local(t);
  const chr::year_month_day ymd(lt.date);
  const int off = std::abs(lt.utc_offset) / 60;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), lt.minute / 60, lt.minute % 60, lt.second % 60, lt.utc_offset < 0 ? '-' : '+',
                     off / 60, off % 60);
}

}  // namespace loopcast
