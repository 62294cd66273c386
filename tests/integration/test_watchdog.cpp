// The watchdog: a loop video read from a pipe that stops delivering (a hung mount, a dead
// network share) freezes the pipeline thread in a blocking read. No packet for --watchdog
// seconds → restart; when the stuck thread cannot even be stopped, loopcast exits (code 70) so
// the service manager starts a fresh process instead of leaving a silent stream up.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

TEST_CASE("a pipeline frozen in a blocking read trips the watchdog — a stuck thread ends the process for a restart") {
  const std::string dir = make_temp_dir("loopcast-wd");
  const std::string clip = dir + "/clip.mkv", fifo = dir + "/stuck.mkv";
  REQUIRE(run_cmd("ffmpeg -v error -f lavfi -i testsrc2=s=320x180:r=30:d=1 -c:v libx264 -g 30 -f matroska " + shell_quote(clip)).code == 0);
  REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
  // One second of video, then the writer keeps the pipe open and silent.
  KilledAtExit writer(spawn({"sh", "-c", "cat " + shell_quote(clip) + "; exec sleep 60"}, fifo));
  const int port = free_tcp_port();
  const auto t0 = std::chrono::steady_clock::now();
  Loopcast lc({"--loop", fifo, "--output", dir + "/out.flv", "--http-port", std::to_string(port), "--watchdog", "3", "--size", "320x180",
               "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli).IsObject() && status(cli)["state"] == "running"; }, 10), lc.log());
  const int code = lc.wait(30);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK_MESSAGE(code == 70, lc.log());
  CHECK(took < 20);  // ~1 s of video + 3 s watchdog + 5 s stop grace
  CHECK(lc.log().find("watchdog: no packet for") != std::string::npos);
  CHECK(lc.log().find("exiting (code 70)") != std::string::npos);
}
