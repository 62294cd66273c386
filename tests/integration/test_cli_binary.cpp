// README claims about the real binary that need no rig: `loopcast probe`, a port in use, the API
// token from the environment, start while running, POST /api/v1/track through the mapping, and
// --fallback-audio while the station is down.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;

namespace {
std::string assets_loops() { return std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops"; }

// `loopcast ARGS...` to completion: exit code and everything it printed.
CmdResult run_binary(const std::vector<std::string>& args) {
  const std::string log = make_temp_dir("loopcast-cli") + "/out.txt";
  std::vector<std::string> argv{LOOPCAST_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, log);
  KilledAtExit guard(pid);
  CmdResult r;
  r.code = wait_exit(pid, 30);
  if (r.code >= 0) guard.pid = -1;
  r.output = read_text(log);
  return r;
}

bool running(httplib::Client& cli) { return str(status(cli)["state"]) == "running"; }
}  // namespace

TEST_CASE("loopcast probe: good loops say ok, a corrupt or missing one is named and the exit code is 1") {
  auto good = run_binary({"probe", fixture("loop_1s_25fps.mp4"), fixture("loop_half_60fps.webm")});
  CHECK_MESSAGE(good.code == 0, good.output);
  CHECK(good.output.find("ok: " + fixture("loop_1s_25fps.mp4")) != std::string::npos);
  CHECK(good.output.find("ok: " + fixture("loop_half_60fps.webm")) != std::string::npos);

  auto bad = run_binary({"probe", fixture("loop_1s_25fps.mp4"), fixture("corrupt.mp4"), fixture("missing.mp4")});
  CHECK_MESSAGE(bad.code == 1, bad.output);
  CHECK(bad.output.find("ok: " + fixture("loop_1s_25fps.mp4")) != std::string::npos);  // the good one is still checked
  CHECK(bad.output.find("corrupt.mp4") != std::string::npos);
  CHECK(bad.output.find("missing.mp4") != std::string::npos);
  CHECK(bad.output.find("No such file") != std::string::npos);
  CHECK(bad.output.find("ok: " + fixture("corrupt.mp4")) == std::string::npos);

  CHECK(run_binary({"probe"}).code == 2);  // nothing to probe: usage
}

TEST_CASE("an HTTP port already in use: exit code 1 with the port in the message") {
  SilentListener taken;  // bound and listening: nobody else can have this port
  const std::string dir = make_temp_dir("loopcast-port");
  Loopcast lc({"--output", dir + "/x.flv", "--http-port", std::to_string(taken.port), "--size", "320x180"});
  CHECK(lc.wait(20) == 1);
  CHECK_MESSAGE(lc.log().find(std::to_string(taken.port)) != std::string::npos, lc.log());
}

TEST_CASE("LOOPCAST_API_TOKEN from the environment guards the API, and start while running is 409 on the real supervisor") {
  const std::string dir = make_temp_dir("loopcast-env");
  const int port = free_tcp_port();
  // In the child's environment only; the flag is not given.
  Loopcast lc({"--output", dir + "/out.flv", "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k"}, "",
              {{"LOOPCAST_API_TOKEN", "env-tok-9f3"}});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return running(cli); }, 15), lc.log());
  const httplib::Headers good = {{"Authorization", "Bearer env-tok-9f3"}};
  const httplib::Headers wrong = {{"Authorization", "Bearer nope"}};
  CHECK(cli.Post("/api/v1/stream/stop", "", "application/json")->status == 401);
  CHECK(cli.Post("/api/v1/stream/stop", wrong, "", "application/json")->status == 401);
  CHECK(running(cli));  // refused requests changed nothing

  auto again = cli.Post("/api/v1/stream/start", good, "", "application/json");
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(again->body.find("already running") != std::string::npos);
  CHECK(running(cli));
  CHECK(status(cli)["restarts"].GetUint64() == 0);  // and nothing was restarted behind our back

  CHECK(cli.Post("/api/v1/stream/stop", good, "", "application/json")->status == 200);
  CHECK(cli.Post("/api/v1/stream/start", good, "", "application/json")->status == 200);
  CHECK(cli.Post("/api/v1/stream/start", good, "", "application/json")->status == 409);
  CHECK(lc.terminate() == 0);
  CHECK(lc.log().find("env-tok-9f3") == std::string::npos);  // never logged
}

TEST_CASE("POST /api/v1/track with text or song_id goes through the mapping") {
  const std::string dir = make_temp_dir("loopcast-track");
  std::ofstream(dir + "/mapping.json") << R"({"default": "sunset.mp4", "rules": [
    {"song_id": "9f33bbc912c19603e51be8e0987d076b", "loop": "ocean.mp4"},
    {"text": "Air - Sexy Boy", "loop": "ocean.mp4"}]})";
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "sunset.mp4", "--loops-dir", assets_loops(), "--mapping", dir + "/mapping.json", "--output", dir + "/out.flv",
               "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return running(cli); }, 15), lc.log());
  // One request, then wait until the pipeline itself has swapped to `loop` (its switch counter).
  auto track = [&](const std::string& body, const char* loop, uint64_t switches) {
    auto r = cli.Post("/api/v1/track", body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 202);
    CHECK_MESSAGE(wait_for([&] {
      auto d = status(cli);
      return str(d["loop"]).find(loop) != std::string::npos && d["switches"].GetUint64() == switches;
    }, 15), lc.log());
  };
  track(R"({"song_id":"9f33bbc912c19603e51be8e0987d076b"})", "/ocean.mp4", 1);
  CHECK(str(status(cli)["track"]["song_id"]) == "9f33bbc912c19603e51be8e0987d076b");
  track(R"({"text":"Nobody - Nothing"})", "/sunset.mp4", 2);      // no rule: the default
  track(R"({"text":"  air - SEXY boy "})", "/ocean.mp4", 3);  // trimmed, any case
  auto d = status(cli);
  CHECK(str(d["track"]["source"]) == "api");
  CHECK(d["track_changes"].GetUint64() == 3);
  CHECK(d["switches"].GetUint64() == 3);
  CHECK(lc.terminate() == 0);
}

TEST_CASE("--fallback-audio: the station is down, the fallback file is what the stream carries") {
  const std::string dir = make_temp_dir("loopcast-fallback");
  const int dead = free_tcp_port();
  const int port = free_tcp_port();
  Loopcast lc({"--audio", "http://127.0.0.1:" + std::to_string(dead) + "/radio.mp3", "--fallback-audio", fixture("tone_3s.mp3"),
               "--output", dir + "/out.flv", "--duration", "8", "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate",
               "300k"});
  auto cli = api(port);
  CHECK_MESSAGE(wait_for([&] { return str(status(cli)["audio"]["state"]) == "fallback"; }, 15), lc.log());
  REQUIRE_MESSAGE(lc.wait(40) == 0, lc.log());
  CHECK(lc.log().find("Connection refused") != std::string::npos);  // the station really was down
  auto rep = probe_media(dir + "/out.flv", false, true);
  REQUIRE(rep);
  REQUIRE(rep->audio_rms.size() >= 7);
  int loud = 0;
  for (double rms : rep->audio_rms) loud += rms > 0.01;
  CHECK(loud >= static_cast<int>(rep->audio_rms.size()) - 2);  // the tone, not silence (the first second may buffer)
}
