// The watchdog: a loop video that stops delivering (a hung network share, a stalled URL) freezes
// the pipeline thread in a read. No packet for --watchdog seconds → the pipeline is stopped and
// started again in-process; when the stuck thread cannot even be stopped (a read the kernel will
// not give back, as on a pipe), loopcast exits (code 70) so the service manager starts a fresh
// process instead of leaving a silent stream up.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/stalling_file_server.hpp"
#include "tests/support/rig.hpp"

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


TEST_CASE("a loop on a network URL that stalls: the watchdog restarts the pipeline in-process and the stream comes back") {
  Rig rig;
  const std::string dir = make_temp_dir("loopcast-wd-url");
  const std::string clip = dir + "/loop.mp4";  // 2 s: every wrap is a new HTTP range request
  REQUIRE(run_cmd("ffmpeg -v error -f lavfi -i testsrc2=s=320x180:r=30:d=2 -c:v libx264 -g 30 -movflags +faststart " + shell_quote(clip))
              .code == 0);
  StallingFileServer files(read_text(clip));
  const int port = free_tcp_port();
  Loopcast lc({"--loop", files.url(), "--output", rig.rtmp_url("wd"), "--http-port", std::to_string(port), "--watchdog", "3", "--size",
               "320x180", "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli).IsObject() && status(cli)["video_frames"].GetUint64() > 60; }, 10), lc.log());
  files.arm();
  REQUIRE_MESSAGE(wait_for([&] { return lc.log().find("watchdog: no packet for") != std::string::npos; }, 12), lc.log());
  // Stopped in-process (the stalled read gave up), started again, frames flowing: no exit 70.
  REQUIRE_MESSAGE(wait_for([&] {
    auto d = status(cli);
    return d.IsObject() && d["restarts"].GetUint64() == 1 && d["state"] == "running" && d["video_frames"].GetUint64() > 60;
  }, 10), lc.log());
  CHECK(files.stalls() == 1);
  CHECK(lc.terminate() == 0);
  CHECK(lc.log().find("exiting (code 70)") == std::string::npos);
  REQUIRE(rig.wait_recordings_closed());  // nginx has finished both files before they are read
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 2);  // the session before the stall and the one after the restart
  for (const auto& r : recs) {
    auto rep = probe_media(r);
    REQUIRE_MESSAGE(rep, rep.error());
    CHECK(rep->video.codec == "h264");
    CHECK(rep->video.dts_monotonic);
    CHECK(rep->video.start < 0.1);
    CHECK(rep->duration > 1.5);
  }
}
