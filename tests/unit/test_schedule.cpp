// Time windows, zones and the schedule runner with an injected clock: whole weeks across both DST
// changes of Europe/Berlin run in milliseconds.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "control/stream/schedule_runner.hpp"
#include "control/time/time_window.hpp"
#include "control/time/time_zone.hpp"

using namespace loopcast;
namespace chr = std::chrono;

namespace {
TimeZone zone(const char* name) {
  auto z = TimeZone::locate(name);
  REQUIRE_MESSAGE(z, (z ? "" : z.error()));
  return *z;
}

SysSeconds utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return chr::time_point_cast<chr::seconds>(SysDays(chr::year(y) / chr::month(mo) / chr::day(d))) + chr::hours(h) + chr::minutes(mi) +
         chr::seconds(s);
}

std::vector<TimeWindow> windows(const std::string& text) {
  auto w = parse_windows(text);
  REQUIRE_MESSAGE(w, (w ? "" : w.error()));
  return *w;
}

std::string error_of(const std::string& text) {
  auto w = parse_windows(text);
  return w ? "" : w.error();
}

// Local "HH:MM" of an instant.
std::string hhmm(const TimeZone& z, SysSeconds t) {
  const int s = z.to_local(t).second;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", s / 3600, s / 60 % 60);
  return buf;
}

struct Event {
  SysSeconds at;
  std::string what;
};

// A runner over `stream` (and `map`), ticked once per simulated second from `from` to `to`.
std::vector<Event> simulate(const std::vector<TimeWindow>& stream, const TimeZone& z, SysSeconds from, SysSeconds to,
                            std::shared_ptr<const TrackMap> map = nullptr) {
  std::vector<Event> events;
  SysSeconds now = from;
  ScheduleRunner::Actions act;
  act.start = [&] { events.push_back({now, "start"}); };
  act.stop = [&] { events.push_back({now, "stop"}); };
  act.loop_edge = [&](SysSeconds edge) { events.push_back({now, "edge@" + z.iso(edge)}); };
  ScheduleRunner r(stream, z, act);
  if (map) r.set_map(map);
  for (; now < to; now += chr::seconds(1)) r.tick(now);
  return events;
}
}  // namespace

TEST_CASE("zone: unknown names are errors not silent UTC — ISO times carry the offset") {
  CHECK_FALSE(TimeZone::locate("Europe/Atlantis"));
  CHECK(TimeZone::locate("Mars/Olympus").error().find("unknown time zone 'Mars/Olympus'") != std::string::npos);
  CHECK_FALSE(TimeZone::locate("../etc/passwd"));
  CHECK(TimeZone::locate(""));  // the system's
  const auto berlin = zone("Europe/Berlin");
  CHECK(berlin.iso(utc(2026, 1, 15, 12, 0)) == "2026-01-15T13:00:00+01:00");
  CHECK(berlin.iso(utc(2026, 7, 15, 12, 0)) == "2026-07-15T14:00:00+02:00");
  CHECK(zone("America/New_York").iso(utc(2026, 1, 15, 12, 0)) == "2026-01-15T07:00:00-05:00");
}

TEST_CASE("zone: a time in the spring-forward gap happens when the gap ends — in the fall-back overlap on its first pass") {
  const auto berlin = zone("Europe/Berlin");
  const SysDays spring = SysDays(chr::year(2026) / 3 / 29), fall = SysDays(chr::year(2026) / 10 / 25);
  CHECK(berlin.first_reaching(spring, 1 * 3600 + 59 * 60) == utc(2026, 3, 29, 0, 59));  // 01:59 CET
  CHECK(berlin.first_reaching(spring, 2 * 3600 + 30 * 60) == utc(2026, 3, 29, 1, 0));   // no 02:30: 03:00 CEST
  CHECK(berlin.first_reaching(spring, 3 * 3600) == utc(2026, 3, 29, 1, 0));             // 03:00 CEST
  CHECK(berlin.first_reaching(fall, 2 * 3600 + 30 * 60) == utc(2026, 10, 25, 0, 30));   // 02:30 CEST, not CET
  CHECK(berlin.first_reaching(fall, 3 * 3600) == utc(2026, 10, 25, 2, 0));              // 03:00 CET, after the repeat
  CHECK(berlin.first_reaching(fall, 24 * 3600) == utc(2026, 10, 25, 23, 0));            // midnight, CET
}

TEST_CASE("windows: JSON and text forms — bad times — unknown days — empty windows — unknown keys are named") {
  auto w = windows(R"([{"days": ["mon-fri"], "from": "06:00", "to": "23:00"}, {"days": ["sat", "sun"], "from": "08:00:30"}])");
  REQUIRE(w.size() == 2);
  CHECK(w[0].days == 0x1f);
  CHECK(w[0].from == 6 * 3600);
  CHECK(w[1].days == 0x60);
  CHECK(w[1].from == 8 * 3600 + 30);
  CHECK(w[1].to == 24 * 3600);
  CHECK(windows("mon-fri 06:00-23:00; sat,sun 08:00:30-24:00") == w);
  CHECK(windows("fri-mon")[0].days == (0x10 | 0x20 | 0x40 | 0x01));
  CHECK(windows(R"([{"dates": ["2026-12-24..2026-12-26"]}])")[0].dates.size() == 1);

  CHECK(error_of(R"([{"from": "25:00"}])") == "schedule window 1: 'from': bad time '25:00' (expected HH:MM, 00:00..23:59)");
  CHECK(error_of(R"([{"from": "7:00"}])").find("bad time '7:00'") != std::string::npos);
  CHECK(error_of(R"([{"to": "23:60"}])").find("bad time '23:60'") != std::string::npos);
  CHECK(error_of(R"([{"days": ["mon"]}, {"days": ["funday"]}])").find("schedule window 2: unknown day 'funday'") != std::string::npos);
  CHECK(error_of(R"([{"days": []}])").find("non-empty array") != std::string::npos);
  CHECK(error_of(R"([{"from": "06:00", "to": "06:00"}])") == "schedule window 1: empty window: 'from' and 'to' are both 06:00");
  CHECK(error_of(R"([{"to": "00:00"}])").find("empty window") != std::string::npos);
  CHECK(error_of(R"([{"days": ["mon"], "form": "06:00"}])").find("schedule window 1: unknown key 'form'") != std::string::npos);
  CHECK(error_of(R"([{}])").find("schedule window 1: has no condition") != std::string::npos);
  CHECK(error_of(R"([{"dates": ["2026-02-30"]}])").find("no such day") != std::string::npos);
  CHECK(error_of(R"([{"dates": ["2026-12-26..2026-12-24"]}])").find("ends before it starts") != std::string::npos);
  CHECK(error_of("mon-fri 06:00-25:00").find("bad time '25:00'") != std::string::npos);
}

TEST_CASE("windows: a window crossing midnight belongs to the day it opens") {
  const auto berlin = zone("Europe/Berlin");
  const auto fri_night = windows("fri 22:00-02:00");
  CHECK_FALSE(inside(fri_night, berlin, utc(2026, 1, 16, 20, 59)));  // Fri 21:59
  CHECK(inside(fri_night, berlin, utc(2026, 1, 16, 21, 0)));         // Fri 22:00
  CHECK(inside(fri_night, berlin, utc(2026, 1, 17, 0, 59)));         // Sat 01:59
  CHECK_FALSE(inside(fri_night, berlin, utc(2026, 1, 17, 1, 0)));    // Sat 02:00
  CHECK_FALSE(inside(fri_night, berlin, utc(2026, 1, 15, 23, 30)));  // Fri 00:30 belongs to Thursday
  CHECK(next_edge(fri_night, berlin, utc(2026, 1, 12, 0, 0)) == utc(2026, 1, 16, 21, 0));
  CHECK(next_edge(fri_night, berlin, utc(2026, 1, 16, 21, 0)) == utc(2026, 1, 17, 1, 0));
  // Every day, touching: one long opening, no edge at midnight.
  const auto always = windows("mon-sun");
  CHECK_FALSE(next_edge(always, berlin, utc(2026, 1, 12, 0, 0)).has_value());
  // Dates: only Christmas.
  const auto xmas = windows(R"([{"dates": ["2026-12-24..2026-12-26"], "from": "18:00", "to": "20:00"}])");
  CHECK(next_edge(xmas, berlin, utc(2026, 1, 12, 0, 0)) == utc(2026, 12, 24, 17, 0));
  CHECK(inside(xmas, berlin, utc(2026, 12, 26, 18, 30)));
  CHECK_FALSE(inside(xmas, berlin, utc(2026, 12, 27, 18, 30)));
}

TEST_CASE("a simulated week across each DST change: every edge once at its local time — none skipped or doubled") {
  const auto berlin = zone("Europe/Berlin");
  // A night window crossing midnight, and a window starting in the spring-forward gap (02:30).
  const auto ws = windows("mon-sun 22:00-06:00; mon-sun 02:30-03:30");
  struct Week {
    SysSeconds from, to;
    SysDays dst_day;
  };
  for (const Week& wk : {Week{utc(2026, 3, 25, 12, 0), utc(2026, 4, 1, 12, 0), SysDays(chr::year(2026) / 3 / 29)},
                         Week{utc(2026, 10, 21, 12, 0), utc(2026, 10, 28, 12, 0), SysDays(chr::year(2026) / 10 / 25)}}) {
    const auto events = simulate(ws, berlin, wk.from, wk.to);
    std::map<std::string, int> by_local;  // "start 22:00" → count
    for (const auto& e : events) ++by_local[e.what + " " + hhmm(berlin, e.at)];
    // 7 nights; the windows merge where they overlap (02:30-03:30 inside 22:00-06:00): only the night edges.
    CHECK(events.size() == 14);
    CHECK(by_local["start 22:00"] == 7);
    CHECK(by_local["stop 06:00"] == 7);
    for (size_t i = 1; i < events.size(); ++i) CHECK(events[i].what != events[i - 1].what);  // alternating
    // The night across the change lasts 7 h (spring) or 9 h (autumn) of real time: nothing lost or repeated.
    for (size_t i = 0; i + 1 < events.size(); ++i) {
      if (events[i].what != "start" || berlin.to_local(events[i].at).date + chr::days(1) != wk.dst_day) continue;
      const auto hours = chr::duration_cast<chr::hours>(events[i + 1].at - events[i].at).count();
      CHECK(hours == (wk.dst_day == SysDays(chr::year(2026) / 3 / 29) ? 7 : 9));
    }
  }
}

TEST_CASE("a window in the spring-forward gap opens at 03:00 that day — in the fall-back overlap it opens once") {
  const auto berlin = zone("Europe/Berlin");
  const auto ws = windows("mon-sun 02:30-02:45");
  const auto spring = simulate(ws, berlin, utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 6, 0));
  // Sat 02:30-02:45 as usual; Sun wholly inside the gap (02:00-03:00 does not exist): no opening; Mon as usual.
  REQUIRE(spring.size() == 4);
  CHECK(berlin.iso(spring[0].at) == "2026-03-28T02:30:00+01:00");
  CHECK(berlin.iso(spring[2].at) == "2026-03-30T02:30:00+02:00");
  const auto gap_start = simulate(windows("sun 02:30-04:00"), berlin, utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0));
  REQUIRE(gap_start.size() == 2);
  CHECK(berlin.iso(gap_start[0].at) == "2026-03-29T03:00:00+02:00");  // opens when the gap ends
  CHECK(berlin.iso(gap_start[1].at) == "2026-03-29T04:00:00+02:00");
  const auto fall = simulate(ws, berlin, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0));
  REQUIRE(fall.size() == 2);  // 02:30 happens twice on the clock, the window once
  CHECK(berlin.iso(fall[0].at) == "2026-10-25T02:30:00+02:00");
  CHECK(berlin.iso(fall[1].at) == "2026-10-25T02:45:00+02:00");
}

TEST_CASE("loop windows: each time-rule edge is asked for 3 s ahead (prepared) and again at the edge") {
  const auto berlin = zone("Europe/Berlin");
  auto map = TrackMap::parse(R"({"default": "a.mp4", "rules": [
      {"days": ["fri"], "from": "20:00", "to": "23:00", "loop": "show.mp4"},
      {"from": "22:00", "to": "06:00", "loop": "night.mp4"}]})", "/loops", berlin);
  REQUIRE_MESSAGE(map, (map ? "" : map.error()));
  auto shared = std::make_shared<const TrackMap>(std::move(*map));
  const auto events = simulate({}, berlin, utc(2026, 1, 16, 12, 0), utc(2026, 1, 17, 12, 0), shared);  // Fri noon → Sat noon
  // Edges: 20:00 (show), 22:00 (night rule starts; show still wins), 23:00 (show ends → night), 06:00.
  REQUIRE(events.size() == 8);
  const char* edges[] = {"2026-01-16T20:00:00+01:00", "2026-01-16T22:00:00+01:00", "2026-01-16T23:00:00+01:00", "2026-01-17T06:00:00+01:00"};
  for (int i = 0; i < 4; ++i) {
    CHECK(events[2 * i].what == std::string("edge@") + edges[i]);
    CHECK(events[2 * i + 1].what == events[2 * i].what);
    CHECK(events[2 * i + 1].at - events[2 * i].at == chr::seconds(3));
  }
  CHECK(shared->resolve({}, utc(2026, 1, 16, 19, 30)) == "/loops/show.mp4");
  CHECK(shared->resolve({}, utc(2026, 1, 16, 21, 30)) == "/loops/show.mp4");  // rule order is priority
  CHECK(shared->resolve({}, utc(2026, 1, 16, 22, 30)) == "/loops/night.mp4");
  CHECK(shared->resolve({}, utc(2026, 1, 17, 5, 30)) == "/loops/a.mp4");
}

TEST_CASE("changes(): the coming week in order — loop changes only where the loop really changes") {
  const auto berlin = zone("Europe/Berlin");
  auto map = TrackMap::parse(R"({"default": "a.mp4", "rules": [
      {"days": ["fri"], "from": "20:00", "to": "23:00", "loop": "show.mp4"},
      {"days": ["fri"], "from": "21:00", "to": "22:00", "loop": "show.mp4"}]})", "/loops", berlin);
  REQUIRE(map);
  ScheduleRunner r(windows("mon-fri 06:00-23:00"), berlin, {});
  r.set_map(std::make_shared<const TrackMap>(std::move(*map)));
  const auto ch = r.changes(utc(2026, 1, 12, 0, 0), chr::days(7));  // Monday 01:00 local
  std::vector<std::string> got;
  for (const auto& c : ch) got.push_back(c.at.substr(5, 11) + " " + c.what);
  const std::vector<std::string> want = {"01-12T06:00 start", "01-12T23:00 stop", "01-13T06:00 start", "01-13T23:00 stop",
                                         "01-14T06:00 start", "01-14T23:00 stop", "01-15T06:00 start", "01-15T23:00 stop",
                                         "01-16T06:00 start", "01-16T20:00 loop:show.mp4", "01-16T23:00 stop", "01-16T23:00 loop:a.mp4"};
  CHECK(got == want);
  r.tick(utc(2026, 1, 12, 0, 0));
  REQUIRE(r.next_change());
  CHECK(r.next_change()->at == "2026-01-12T06:00:00+01:00");
  CHECK(r.next_change()->what == "start");
}

TEST_CASE("a manual start or stop holds until the next window edge") {
  const auto berlin = zone("Europe/Berlin");
  std::vector<std::string> calls;
  ScheduleRunner::Actions act;
  act.start = [&] { calls.push_back("start"); };
  act.stop = [&] { calls.push_back("stop"); };
  ScheduleRunner r(windows("mon-sun 06:00-23:00"), berlin, act);
  CHECK(r.stream_on(utc(2026, 1, 12, 12, 0)));
  CHECK_FALSE(r.stream_on(utc(2026, 1, 12, 23, 0)));
  // Ticks between edges never act, whatever the stream does meanwhile (a manual stop at noon holds).
  for (SysSeconds t = utc(2026, 1, 12, 11, 0); t < utc(2026, 1, 12, 21, 59); t += chr::seconds(30)) r.tick(t);
  CHECK(calls.empty());
  r.tick(utc(2026, 1, 12, 22, 0));  // 23:00 local: the window closes
  r.tick(utc(2026, 1, 13, 4, 59));
  r.tick(utc(2026, 1, 13, 5, 0));   // 06:00 local: opens
  CHECK(calls == std::vector<std::string>{"stop", "start"});
}

TEST_CASE("a reloaded map moves the loop edges at once — a far date window is the next change") {
  const auto berlin = zone("Europe/Berlin");
  std::vector<std::string> edges;
  ScheduleRunner::Actions act;
  act.loop_edge = [&](SysSeconds e) { edges.push_back(berlin.iso(e)); };
  ScheduleRunner r({}, berlin, act);
  auto load = [&](const char* json) {
    auto m = TrackMap::parse(json, "/loops", berlin);
    REQUIRE_MESSAGE(m, (m ? "" : m.error()));
    r.set_map(std::make_shared<const TrackMap>(std::move(*m)));
  };
  load(R"({"default": "a.mp4", "rules": [{"from": "20:00", "to": "21:00", "loop": "b.mp4"}]})");
  r.tick(utc(2026, 1, 12, 17, 0));  // 18:00 local
  CHECK(edges.empty());
  load(R"({"default": "a.mp4", "rules": [{"from": "18:30", "to": "21:00", "loop": "b.mp4"}]})");
  for (SysSeconds t = utc(2026, 1, 12, 17, 0); t <= utc(2026, 1, 12, 17, 30); t += chr::seconds(1)) r.tick(t);
  CHECK(edges == std::vector<std::string>{"2026-01-12T18:30:00+01:00", "2026-01-12T18:30:00+01:00"});
  load(R"({"default": "a.mp4", "rules": [{"dates": ["2026-12-24"], "from": "18:00", "loop": "xmas.mp4"}]})");
  r.tick(utc(2026, 12, 1, 12, 0));
  REQUIRE(r.next_change());
  CHECK(r.next_change()->at == "2026-12-24T18:00:00+01:00");
  CHECK(r.next_change()->what == "loop:xmas.mp4");
}
