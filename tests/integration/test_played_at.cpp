// The switch delay counts from when the song started on the station (AzuraCast's played_at),
// so a webhook that arrives late waits only for what is left of the delay.
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

TEST_CASE("switch delay minus the webhook's lateness (played_at), never negative") {
  const std::string dir = make_temp_dir("loopcast-late");
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "sunset", "--output", dir + "/out.flv", "--http-port", std::to_string(port), "--switch-delay", "10", "--size",
               "320x180", "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli).IsObject() && status(cli)["state"] == "running"; }, 10), lc.log());
  auto body = [](const char* artist, long played_at) {
    return std::string(R"({"now_playing":{"sh_id":)") + std::to_string(played_at) + R"(,"played_at":)" + std::to_string(played_at) +
           R"(,"song":{"artist":")" + artist + R"(","title":"T","custom_fields":{"loop":"ocean"}}}})";
  };
  // Started on the station 4 s ago: the picture changes in ~6 s, not 10. played_at is in whole
  // seconds and a loaded machine may take a while between the POST and the status read, so the
  // bounds come from what was measured: the lateness counted is 4 s plus at most the time that
  // passed (and the second boundary it may have crossed), never less.
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(cli.Post("/webhook/azuracast", body("Late", std::time(nullptr) - 4), "application/json")->status == 202);
  auto d = status(cli);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(d["pending_in"].GetDouble() <= 6.0 + 0.05);
  CHECK(d["pending_in"].GetDouble() >= 6.0 - 1.0 - 2 * elapsed - 0.05);
  CHECK(std::string(d["pending_loop"].GetString()).find("ocean.mp4") != std::string::npos);
  // Started 30 s ago, longer than the delay: at once (well before the ~6 s still pending above).
  REQUIRE(cli.Post("/webhook/azuracast", body("Very late", std::time(nullptr) - 30), "application/json")->status == 202);
  CHECK(status(cli)["pending_in"].GetDouble() == 0.0);
  CHECK(wait_for([&] { return std::string(status(cli)["loop"].GetString()).find("ocean.mp4") != std::string::npos; }, 4));
  CHECK(lc.terminate() == 0);
}
