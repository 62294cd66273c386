// The built-in dashboard in a real browser (Debian's chromium, driven by playwright-core): live
// status arrives over SSE, the buttons really stop and start the stream, the preview shows the
// loop on air, a click in the loop picker switches the stream (the recording shows it) and the
// events list shows that switch.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"

using namespace loopcast::test;

namespace {
std::string assets() { return std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops"; }
double member(const rapidjson::Value& v, const char* k) { return v.IsObject() && v.HasMember(k) ? v[k].GetDouble() : -1; }
}  // namespace

TEST_CASE("dashboard page in headless Chromium: live status, Stop/Start, preview pixels, loop picker switch, events list") {
  const std::string e2e = std::string(LOOPCAST_SOURCE_DIR) + "/tests/e2e";
  REQUIRE_MESSAGE(std::filesystem::exists(e2e + "/node_modules/playwright-core"), "run scripts/install-deps.sh (npm ci in tests/e2e)");
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  const std::string dir = make_temp_dir("loopcast-e2e");
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "sunset", "--loops-dir", assets(), "--output", dir + "/out.flv", "--http-port", std::to_string(port), "--api-token",
               "ui-token", "--size", "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli).IsObject() && status(cli)["state"] == "running"; }, 10), lc.log());

  const std::string shot = dir + "/dashboard.png";
  auto r = run_cmd("cd " + shell_quote(e2e) + " && timeout 150 node dashboard.mjs http://127.0.0.1:" + std::to_string(port) + " ui-token " +
                   shell_quote(shot) + " ocean.mp4");
  const std::string line = r.output.substr(r.output.rfind("\n{") == std::string::npos ? 0 : r.output.rfind("\n{") + 1);
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_MESSAGE(d.IsObject(), r.output);
  REQUIRE_MESSAGE(d["ok"].GetBool(), r.output);
  MESSAGE(line);
  CHECK(std::string(d["initial"].GetString()) == "running");
  CHECK(d["frames"].GetDouble() > 0);
  // The loudness line: the tone's EBU R128 readings as status.json has them (issue 26).
  const std::string loud = d["loudness"].GetString();
  CHECK_MESSAGE(std::regex_search(loud, std::regex("^-\\d+\\.\\d LUFS \\(3 s\\) · integrated -\\d+\\.\\d · peak -\\d+\\.\\d dBTP$")), loud);
  CHECK(std::string(d["after_stop"].GetString()) == "stopped");
  CHECK(std::string(d["message"].GetString()) == "stop: ok");
  CHECK(std::string(d["after_start"].GetString()) == "running");

  // The picker lists both shipped loops, marks the one on air, and its click is accepted.
  REQUIRE(d["loops"].Size() == 2);
  CHECK(std::string(d["loops"][0].GetString()) == "ocean.mp4");
  CHECK(std::string(d["loops"][1].GetString()) == "sunset.mp4");
  REQUIRE(d["on_air_marked"].Size() == 1);
  CHECK(std::string(d["on_air_marked"][0].GetString()) == "sunset.mp4");
  REQUIRE(d["on_air_marked_after"].Size() == 1);
  CHECK(std::string(d["on_air_marked_after"][0].GetString()) == "ocean.mp4");
  // The preview's pixels: sunset is warm (red over blue), ocean dark navy (blue twice red, little red).
  const auto& before = d["preview_before"];
  const auto& after = d["preview_after"];
  CHECK(member(before, "r") > member(before, "b") + 40);
  CHECK(member(after, "b") > 2 * member(after, "r"));
  CHECK(member(after, "r") < 40);
  // The events list shows the stop, the start and the switch the click made.
  std::string events;
  for (const auto& e : d["events"].GetArray()) events += std::string(e.GetString()) + "\n";
  CHECK_MESSAGE(events.find("switch: loop 'ocean.mp4' on air (api)") != std::string::npos, events);
  CHECK_MESSAGE(events.find("stop: stream stopped") != std::string::npos, events);
  CHECK_MESSAGE(events.find("start: stream started on loop 'sunset.mp4'") != std::string::npos, events);
  // The sparkline drew the samples the SSE updates brought.
  CHECK(d["spark_grew"].GetBool());
  CHECK(d["spark_drawn"].GetDouble() > 100);

  // The click reached the engine, not just the page: status, then the recording.
  auto s = status(cli);
  CHECK(s["restarts"].GetUint64() == 0);
  CHECK(std::string(s["loop"].GetString()).find("ocean.mp4") != std::string::npos);
  CHECK(s["switches"].GetUint64() >= 1);
  CHECK(std::filesystem::file_size(shot) > 10000);
  CHECK(read_text(shot).substr(1, 3) == "PNG");
  CHECK(lc.terminate() == 0);

  // The second session's recording (after Stop/Start the file output was reopened) ends on ocean.
  auto ocean = loop_thumbs(assets() + "/ocean.mp4", 640, 360, 240);
  auto sunset = loop_thumbs(assets() + "/sunset.mp4", 640, 360, 240);
  REQUIRE(ocean);
  REQUIRE(sunset);
  auto rep = probe_media(dir + "/out.flv", true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  const auto runs = loop_runs(*rep, {*sunset, *ocean});
  REQUIRE(!runs.empty());
  CHECK(runs.front().first == 0);
  CHECK(runs.back().first == 1);
}
