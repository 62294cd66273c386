// Weekly time windows in local time — `{"days": ["fri"], "from": "20:00", "to": "23:00",
// "dates": ["2026-12-24..2026-12-26"]}` (times HH:MM or HH:MM:SS) — for mapping rules and stream schedules: parsing with
// errors that name the window, "is this instant inside", and "the next edge after t".
//
// A window opens on each listed day (and date) at `from` and closes at `to`; a `to` at or before
// `from` closes on the next day (crossing midnight). Instants come from the zone's rules: a time
// inside a spring-forward gap happens when the gap ends (02:30 → 03:00), a time in a fall-back
// overlap on its first pass, so every opening happens once, never skipped, never doubled.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "control/time/time_zone.hpp"
#include "base/result.hpp"

namespace loopcast {

struct DateRange {
  SysDays first, last;  // inclusive
  bool operator==(const DateRange&) const = default;
};

struct TimeWindow {
  uint8_t days = 0x7f;    // bit 0 = Monday .. bit 6 = Sunday
  int from = 0;           // seconds of the local day
  int to = 24 * 3600;     // <= from: the next day
  std::vector<DateRange> dates;  // empty = any date; matched against the opening day
  bool operator==(const TimeWindow&) const = default;
};

struct Interval {
  SysSeconds open, close;  // [open, close)
};

// True for the keys a window understands: days, from, to, dates.
bool is_time_key(const std::string& key);
// The time keys of `obj` (other keys are the caller's); nullopt when it has none.
// Errors say what is wrong; the caller names the rule or window.
Result<std::optional<TimeWindow>> parse_time_keys(const rapidjson::Value& obj);
// A list of windows as JSON (`[{"days": [...], "from": ..., "to": ...}, ...]`) or as text
// ("mon-fri 06:00-23:00; sat,sun 08:00-12:00"). Every window must have a condition.
Result<std::vector<TimeWindow>> parse_windows(const std::string& text);

// Openings of the windows (merged where they overlap or touch) that meet [from, to].
std::vector<Interval> openings(const std::vector<TimeWindow>& ws, const TimeZone& zone, SysSeconds from, SysSeconds to);
bool inside(const std::vector<TimeWindow>& ws, const TimeZone& zone, SysSeconds t);
// The first instant after `t` (within `horizon`) where "inside" changes; nullopt when none.
std::optional<SysSeconds> next_edge(const std::vector<TimeWindow>& ws, const TimeZone& zone, SysSeconds t,
                                    std::chrono::days horizon = std::chrono::days(400));

}  // namespace loopcast
