#include "control/time/time_window.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "base/json_text.hpp"

namespace loopcast {
namespace chr = std::chrono;

namespace {
constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }

Result<int> parse_day(const std::string& name) {
  for (size_t i = 0; i < kDays.size(); ++i)
    if (name == kDays[i]) return static_cast<int>(i);
  return invalid(fmt::format("unknown day '{}' (expected mon, tue, wed, thu, fri, sat or sun)", name));
}

// "mon", or a range "mon-fri" (wrapping: "fri-mon"), as day bits.
Result<uint8_t> parse_days_item(const std::string& item) {
  const auto dash = item.find('-');
  auto first = parse_day(item.substr(0, dash));
  if (!first) return first.forward();
  if (dash == std::string::npos) return static_cast<uint8_t>(1u << *first);
  auto last = parse_day(item.substr(dash + 1));
  if (!last) return last.forward();
  uint8_t bits = 0;
  for (int d = *first;; d = (d + 1) % 7) {
    bits |= static_cast<uint8_t>(1u << d);
    if (d == *last) break;
  }
  return bits;
}

// "HH:MM" or "HH:MM:SS", 00:00..23:59:59, and 24:00 where `allow_24`; seconds of the day.
Result<int> parse_clock(const std::string& key, const std::string& v, bool allow_24) {
  auto two = [&](size_t pos) {
    const bool ok = pos + 1 < v.size() && std::isdigit(static_cast<unsigned char>(v[pos])) && std::isdigit(static_cast<unsigned char>(v[pos + 1]));
    return ok ? (v[pos] - '0') * 10 + (v[pos + 1] - '0') : -1;
  };
  const bool shape = (v.size() == 5 || (v.size() == 8 && v[5] == ':')) && v[2] == ':';
  const int h = two(0), m = two(3), sec = v.size() == 8 ? two(6) : 0;
  const int total = h * 3600 + m * 60 + sec;
  if (!shape || h < 0 || m < 0 || sec < 0 || m > 59 || sec > 59 || total > 24 * 3600 || (total == 24 * 3600 && !allow_24))
    return invalid(fmt::format("'{}': bad time '{}' (expected HH:MM, 00:00..23:59{})", key, v, allow_24 ? " or 24:00" : ""));
  return total;
}

Result<SysDays> parse_date(const std::string& v) {
  int y = 0;
  unsigned mo = 0, d = 0;
  char extra = 0;
  if (v.size() != 10 || std::sscanf(v.c_str(), "%4d-%2u-%2u%c", &y, &mo, &d, &extra) != 3)
    return invalid(fmt::format("bad date '{}' (expected YYYY-MM-DD)", v));
  const chr::year_month_day ymd{chr::year(y), chr::month(mo), chr::day(d)};
  if (!ymd.ok()) return invalid(fmt::format("bad date '{}' (no such day)", v));
  return SysDays(ymd);
}

// "2026-12-24" or "2026-12-24..2026-12-26"
Result<DateRange> parse_date_range(const std::string& v) {
  const auto dots = v.find("..");
  auto first = parse_date(v.substr(0, dots));
  if (!first) return first.forward();
  auto last = dots == std::string::npos ? first : parse_date(v.substr(dots + 2));
  if (!last) return last.forward();
  if (*last < *first) return invalid(fmt::format("date range '{}' ends before it starts", v));
  return DateRange{*first, *last};
}

Result<std::vector<std::string>> string_list(const rapidjson::Value& v, const char* key) {
  if (!v.IsArray() || v.Empty()) return invalid(fmt::format("'{}' must be a non-empty array of strings", key));
  std::vector<std::string> out;
  for (const auto& s : v.GetArray()) {
    if (!s.IsString()) return invalid(fmt::format("'{}' must be a non-empty array of strings", key));
    out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return out;
}

Status set_days(TimeWindow& w, const rapidjson::Value& v) {
  auto items = string_list(v, "days");
  if (!items) return items.forward();
  w.days = 0;
  for (const auto& item : *items) {
    auto bits = parse_days_item(item);
    if (!bits) return bits.forward();
    w.days |= *bits;
  }
  return Status::ok();
}

Status set_dates(TimeWindow& w, const rapidjson::Value& v) {
  auto items = string_list(v, "dates");
  if (!items) return items.forward();
  for (const auto& item : *items) {
    auto r = parse_date_range(item);
    if (!r) return r.forward();
    w.dates.push_back(*r);
  }
  return Status::ok();
}

Status set_clock(int& out, const rapidjson::Value& v, const char* key) {
  if (!v.IsString()) return invalid(fmt::format("'{}' must be a string \"HH:MM\"", key));
  auto m = parse_clock(key, v.GetString(), std::string(key) == "to");
  if (!m) return m.forward();
  out = *m;
  return Status::ok();
}

bool on_date(const TimeWindow& w, SysDays d) {
  const unsigned iso = chr::weekday(d).iso_encoding();  // 1 = Monday
  if (!(w.days & (1u << (iso - 1)))) return false;
  return w.dates.empty() ||
         std::any_of(w.dates.begin(), w.dates.end(), [&](const DateRange& r) { return d >= r.first && d <= r.last; });
}
// The text form as JSON: "mon-fri 06:00-23:00; sat,sun" → [{"days":["mon-fri"],"from":"06:00","to":"23:00"},
// {"days":["sat","sun"]}]; the JSON parser then checks it like any other schedule.
std::string windows_text_to_json(const std::string& text) {
  std::vector<std::string> windows;
  std::stringstream all(text);
  for (std::string part; std::getline(all, part, ';');) {
    std::vector<std::string> fields;
    std::stringstream words(part);
    for (std::string word; words >> word;) {
      const auto dash = word.find('-');
      if (std::isdigit(static_cast<unsigned char>(word[0])) && dash != std::string::npos) {
        fields.push_back(fmt::format("\"from\":\"{}\",\"to\":\"{}\"", word.substr(0, dash), word.substr(dash + 1)));
        continue;
      }
      std::replace(word.begin(), word.end(), ',', ' ');
      std::stringstream days(word);
      std::vector<std::string> items;
      for (std::string d; days >> d;) items.push_back(fmt::format("\"{}\"", d));
      fields.push_back(fmt::format("\"days\":[{}]", fmt::join(items, ",")));
    }
    windows.push_back(fmt::format("{{{}}}", fmt::join(fields, ",")));
  }
  return fmt::format("[{}]", fmt::join(windows, ","));
}
}  // namespace

bool is_time_key(const std::string& key) { return key == "days" || key == "from" || key == "to" || key == "dates"; }

Result<std::optional<TimeWindow>> parse_time_keys(const rapidjson::Value& obj) {
  TimeWindow w;
  bool any = false;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    Status st = Status::ok();
    if (key == "days") st = set_days(w, it->value);
    else if (key == "dates") st = set_dates(w, it->value);
    else if (key == "from") st = set_clock(w.from, it->value, "from");
    else if (key == "to") st = set_clock(w.to, it->value, "to");
    else continue;
    if (!st) return st.forward();
    any = true;
  }
  if (!any) return std::optional<TimeWindow>{};
  if (w.from == w.to) return invalid(fmt::format("empty window: 'from' and 'to' are both {:02}:{:02}", w.from / 3600, w.from / 60 % 60));
  return std::optional<TimeWindow>{w};
}

Result<std::vector<TimeWindow>> parse_windows(const std::string& text) {
  const auto lead = text.find_first_not_of(" \t\n");
  const std::string json = lead != std::string::npos && text[lead] != '[' ? windows_text_to_json(text) : text;
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json, "schedule"); !st) return st.forward();
  if (!doc.IsArray()) return invalid("schedule: expected an array of windows");
  std::vector<TimeWindow> out;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const auto& v = doc[i];
    auto where = [&](const std::string& why) { return invalid(fmt::format("schedule window {}: {}", i + 1, why)); };
    if (!v.IsObject()) return where("must be an object like {\"days\": [\"mon\"], \"from\": \"06:00\", \"to\": \"23:00\"}");
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      if (!is_time_key(it->name.GetString())) return where(fmt::format("unknown key '{}' (expected days, from, to, dates)", it->name.GetString()));
    auto w = parse_time_keys(v);
    if (!w) return where(w.error());
    if (!*w) return where("has no condition (give days, from/to or dates)");
    out.push_back(**w);
  }
  return out;
}

std::vector<Interval> openings(const std::vector<TimeWindow>& ws, const TimeZone& zone, SysSeconds from, SysSeconds to) {
  std::vector<Interval> all;
  // A window opening the day before `from` may still be open; one opening the day after `to`
  // tells whether an interval touching `to` goes on.
  const SysDays first = zone.to_local(from).date - chr::days(1), last = zone.to_local(to).date + chr::days(1);
  for (const auto& w : ws) {
    for (SysDays d = first; d <= last; d += chr::days(1)) {
      if (!on_date(w, d)) continue;
      const SysSeconds open = zone.first_reaching(d, w.from);
      const SysSeconds close = w.to > w.from ? zone.first_reaching(d, w.to) : zone.first_reaching(d + chr::days(1), w.to);
      if (open < close) all.push_back({open, close});  // empty: a window wholly inside a DST gap
    }
  }
  std::sort(all.begin(), all.end(), [](const Interval& a, const Interval& b) { return a.open < b.open; });
  std::vector<Interval> merged;
  for (const auto& iv : all) {
    if (!merged.empty() && iv.open <= merged.back().close) merged.back().close = std::max(merged.back().close, iv.close);
    else merged.push_back(iv);
  }
  std::erase_if(merged, [&](const Interval& iv) { return iv.close < from || iv.open > to; });
  return merged;
}

bool inside(const std::vector<TimeWindow>& ws, const TimeZone& zone, SysSeconds t) {
  for (const auto& iv : openings(ws, zone, t, t))
    if (iv.open <= t && t < iv.close) return true;
  return false;
}

std::optional<SysSeconds> next_edge(const std::vector<TimeWindow>& ws, const TimeZone& zone, SysSeconds t, chr::days horizon) {
  for (chr::days span : {std::min(horizon, chr::days(8)), horizon}) {
    const SysSeconds end = t + span;
    std::optional<SysSeconds> best;
    // Edges before `end` are real: the intervals were enumerated a day past it.
    for (const auto& iv : openings(ws, zone, t, end))
      for (SysSeconds e : {iv.open, iv.close})
        if (e > t && e < end && (!best || e < *best)) best = e;
    if (best) return best;
  }
  return std::nullopt;
}

}  // namespace loopcast
