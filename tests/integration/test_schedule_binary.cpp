// The stream schedule through the real binary (file output, no rig): launched outside a window it
// waits; a manual start or stop holds until the next window edge; a scheduled start that fails
// (the loop is missing at that moment) is retried until it works.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;
namespace chr = std::chrono;
namespace fs = std::filesystem;
using SysClock = chr::system_clock;

namespace {
std::string state_of(httplib::Client& cli) {
  auto d = status(cli);
  return d.IsObject() && d.HasMember("state") ? d["state"].GetString() : "down";
}
}  // namespace

TEST_CASE("stream windows through the binary: waits outside a window — manual start/stop holds until the next edge — a failed start is retried") {
  const std::string dir = make_temp_dir("loopcast-week");
  fs::create_directory(dir + "/loops");
  const std::string loop = dir + "/loops/a.mp4";
  fs::copy_file(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/loop_1s_25fps.mp4", loop);
  const auto t0 = chr::time_point_cast<chr::seconds>(SysClock::now()) + chr::seconds(1);
  const auto open1 = t0 + chr::seconds(6), close1 = t0 + chr::seconds(11), open2 = t0 + chr::seconds(16);
  const std::string schedule = utc_hms(open1) + "-" + utc_hms(close1) + "; " + utc_hms(open2) + "-" + utc_hms(t0 + chr::hours(1));
  const int port = free_tcp_port();
  const httplib::Headers auth = {{"Authorization", "Bearer tok-9"}};
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", dir + "/loops", "--output", dir + "/out.flv", "--timezone", "UTC", "--schedule", schedule,
               "--http-port", std::to_string(port), "--api-token", "tok-9", "--size", "640x360", "--vbitrate", "800k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return state_of(cli) != "down"; }, 10), lc.log());
  CHECK(state_of(cli) == "stopped");  // outside a window: autostart waits
  auto st = status(cli);
  CHECK(std::string(st["schedule"]["next_change"]["what"].GetString()) == "start");
  CHECK(std::string(st["schedule"]["next_change"]["at"].GetString()).find("T" + utc_hms(open1) + "+00:00") != std::string::npos);

  // The window opens by itself; a manual stop inside it holds until the window's end.
  REQUIRE_MESSAGE(wait_for([&] { return state_of(cli) == "running"; }, 10), lc.log());
  CHECK(SysClock::now() >= open1);
  REQUIRE(cli.Post("/api/v1/stream/stop", auth, "", "application/json")->status == 200);
  CHECK_FALSE(wait_for([&] { return state_of(cli) == "running"; }, 2));
  // A manual start outside a window holds too.
  REQUIRE(wait_for([&] { return SysClock::now() >= close1 + chr::milliseconds(300); }, 10));
  CHECK(state_of(cli) == "stopped");
  REQUIRE(cli.Post("/api/v1/stream/start", auth, "", "application/json")->status == 200);
  CHECK_FALSE(wait_for([&] { return state_of(cli) != "running"; }, 2));
  REQUIRE(cli.Post("/api/v1/stream/stop", auth, "", "application/json")->status == 200);
  REQUIRE(SysClock::now() < open2 - chr::milliseconds(500));

  // The loop is missing when window 2 opens: the start fails, says why, and is retried.
  fs::rename(loop, loop + ".away");
  REQUIRE_MESSAGE(wait_for([&] { return state_of(cli) == "error"; }, 10), lc.log());
  CHECK(SysClock::now() >= open2);
  fs::rename(loop + ".away", loop);
  CHECK_MESSAGE(wait_for([&] { return state_of(cli) == "running"; }, 12), lc.log());
  CHECK(lc.terminate() == 0);
}
