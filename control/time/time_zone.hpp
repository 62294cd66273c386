// An IANA time zone from the system tz database (/usr/share/zoneinfo), for schedules: local date
// and time of an instant, and the instant a local date and time begins, right across DST changes.
//
// glibc has no per-zone API: conversions select the zone through TZ under one process-wide mutex.
// A process normally uses one zone (the configured one, selected at start-up before any thread),
// so TZ changes at most once; tests may switch zones freely.
#pragma once
#include <chrono>
#include <string>

#include "base/result.hpp"

namespace loopcast {

using SysSeconds = std::chrono::sys_seconds;
using SysDays = std::chrono::sys_days;

struct LocalTime {
  SysDays date;     // local calendar date
  int minute = 0;   // of the local day, 0..1439
  int second = 0;   // of the local day, 0..86399
  int utc_offset = 0;  // seconds east of UTC
};

class TimeZone {
 public:
  TimeZone() = default;  // the system's zone ($TZ or /etc/localtime)
  // A zone by IANA name ("Europe/Berlin"); "" = the system's. Errc::invalid for a name the tz
  // database does not have (glibc would silently use UTC).
  static Result<TimeZone> locate(const std::string& name);

  const std::string& name() const { return name_; }  // "" = the system's
  std::string display_name() const;
  LocalTime to_local(SysSeconds t) const;
  // The first instant whose local time reaches `date` at `second` of the day (0..86400): inside
  // a spring-forward gap that is the end of the gap; in a fall-back overlap, the first occurrence.
  SysSeconds first_reaching(SysDays date, int second) const;
  // "2026-03-29T03:00:00+02:00"
  std::string iso(SysSeconds t) const;

 private:
  int offset_at(SysSeconds t) const;
  std::string name_;
};

}  // namespace loopcast
