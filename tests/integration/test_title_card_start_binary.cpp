// Issue 22: a song that goes on air while no pipeline runs (stopped by the operator, between a
// fault and its restart, before the first start) still gets its title card over the first seconds
// of the next session — composed ahead in splice mode, drawn in encode mode — once, not at every start.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/logo_probe.hpp"
#include "tests/support/picture_probe.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
constexpr Rect kBand{220, 138, 90, 22};  // right part of the 320x180 card band, clear of its text

// Stops the stream, sends AzuraCast's song A, waits out its switch delay, starts again.
void song_while_stopped(httplib::Client& cli, const Loopcast& lc) {
  REQUIRE(wait_for([&] { return media_time(cli) > 1; }, 10));
  auto stop = cli.Post("/api/v1/stream/stop", "", "application/json");
  REQUIRE(stop);
  REQUIRE_MESSAGE(stop->status == 200, stop->body);
  REQUIRE(wait_for([&] { return str(status(cli)["state"]) == "stopped"; }, 10));
  auto hook = cli.Post("/webhook/azuracast", read_text(fixture("azuracast_song_a.json")), "application/json");
  REQUIRE(hook);
  CHECK(hook->status == 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // --switch-delay 1: on air while stopped
  auto start = cli.Post("/api/v1/stream/start", "", "application/json");
  REQUIRE(start);
  REQUIRE_MESSAGE(start->status == 200, start->body << lc.log());
  REQUIRE(wait_for([&] { return streaming(cli); }, 20));
}
}  // namespace

TEST_CASE("title card at a start, splice mode: the song that went on air while stopped gets its composed card, once") {
  const TempDir tmp("card-start");
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "400k", "--cache-dir", tmp.path + "/cache"};
  std::vector<std::string> prep{"--loop", fixture("loop_1s_30fps.mkv")};
  prep.insert(prep.end(), profile.begin(), profile.end());
  prepare_loops(tmp.path + "/no-loops", prep, tmp.path + "/prepare.log");
  const int port = free_tcp_port();
  std::vector<std::string> args{
      "--video-mode",   "splice", "--loop",      fixture("loop_1s_30fps.mkv"), "--output",     tmp.path + "/out.flv",
      "--duration",     "60",     "--http-port", std::to_string(port),         "--title-card", "2",
      "--switch-delay", "1"};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  song_while_stopped(cli, lc);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["title_cards"]["shown"].GetUint64() >= 1; }, 10), lc.log());
  auto st = status(cli);
  CHECK(st["title_cards"]["shown"].GetUint64() == 1);
  CHECK(st["title_cards"]["skipped"].GetUint64() == 0);
  CHECK(std::string(st["video_mode"].GetString()) == "splice");
  // A restart later in the same song does not show it again.
  REQUIRE(cli.Post("/api/v1/stream/restart", "", "application/json"));
  REQUIRE(wait_for([&] { return streaming(cli) && media_time(cli) > 3; }, 20));
  CHECK(status(cli)["title_cards"]["shown"].GetUint64() == 0);  // (counters are the session's)
  CHECK(lc.terminate() == 0);
}

TEST_CASE("title card at a start, encode mode: the song that went on air while stopped has its band over the new session's first seconds") {
  const TempDir tmp("card-start-enc");
  const std::string out = tmp.path + "/out.flv";
  const int port = free_tcp_port();
  Loopcast lc({"--loop", fixture("loop_1s_30fps.mkv"), "--output", out, "--duration", "60", "--size", "320x180", "--vbitrate", "400k",
               "--http-port", std::to_string(port), "--title-card", "2", "--switch-delay", "1"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  song_while_stopped(cli, lc);
  REQUIRE(wait_for([&] { return media_time(cli) > 3.5; }, 20));
  CHECK(lc.terminate() == 0);
  // The file holds the new session: its first 2 s are banded, what follows is not.
  std::vector<int> idx;
  for (int n = 0; n < 100; ++n) idx.push_back(n);
  auto got = decode_pictures(out, idx);
  REQUIRE_MESSAGE(got, got.error());
  int banded = 0;
  for (int n = 0; n < 100; ++n) {
    const double y = mean_yuv((*got)[n].get(), kBand).y;
    if (n < 55 && y < mean_yuv((*got)[95].get(), kBand).y - 15) ++banded;
  }
  CHECK(banded >= 50);
}
