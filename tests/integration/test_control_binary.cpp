// The real binary driven the two ways a dashboard does: the HTTP API and the shared files. Both
// must really start, stop, restart and switch the pipeline, and tell the same story.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"

using namespace loopcast::test;

namespace {
rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

std::string field(const std::string& json, const char* key) {
  auto d = parse(json);
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString() : "";
}
}  // namespace

TEST_CASE("API and control.json really drive the pipeline — status.json agrees — SIGTERM ends cleanly") {
  const std::string dir = make_temp_dir("loopcast-ctl");
  const int port = free_tcp_port();
  const httplib::Headers auth = {{"Authorization", "Bearer tok-42"}};
  Loopcast lc({"--output", dir + "/out.flv", "--http-port", std::to_string(port), "--control-dir", dir + "/ctl", "--api-token", "tok-42",
               "--size", "640x360", "--vbitrate", "800k"});
  auto cli = api(port);
  auto state = [&] {
    auto r = cli.Get("/api/v1/status");
    return r ? field(r->body, "state") : std::string("down");
  };
  auto file_state = [&] { return field(read_text(dir + "/ctl/status.json"), "state"); };
  REQUIRE_MESSAGE(wait_for([&] { return state() == "running"; }, 10), lc.log());
  REQUIRE(wait_for([&] { return file_state() == "running"; }, 3));
  auto doc = parse(read_text(dir + "/ctl/status.json"));
  CHECK(doc["pid"].GetInt() == lc.pid);
  CHECK(std::string(doc["loop"].GetString()).find("sunset.mp4") != std::string::npos);
  CHECK(std::string(doc["audio"]["state"].GetString()) == "tone");

  // HTTP: stop, stop again (conflict), start.
  REQUIRE(cli.Post("/api/v1/stream/stop", auth, "", "application/json")->status == 200);
  CHECK(state() == "stopped");
  CHECK(wait_for([&] { return file_state() == "stopped"; }, 3));
  CHECK(cli.Post("/api/v1/stream/stop", auth, "", "application/json")->status == 409);

  // control.json: start, acknowledged in status.json.
  std::ofstream(dir + "/ctl/control.json") << R"({"command":"start","id":"dash-1"})";
  REQUIRE(wait_for([&] { return state() == "running"; }, 5));
  REQUIRE(wait_for([&] { return read_text(dir + "/ctl/status.json").find("\"id\":\"dash-1\"") != std::string::npos; }, 3));
  doc = parse(read_text(dir + "/ctl/status.json"));
  CHECK(std::string(doc["last_command"]["result"].GetString()) == "ok");

  // Restart over HTTP: counted, running again, frames flowing.
  REQUIRE(cli.Post("/api/v1/stream/restart", auth, "", "application/json")->status == 200);
  CHECK(state() == "running");
  auto st = parse(cli.Get("/api/v1/status")->body);
  CHECK(st["restarts"].GetUint64() == 1);

  // Switch by control file and by API; a bad name is refused and the stream goes on.
  std::ofstream(dir + "/ctl/control.json") << R"({"command":"switch","loop":"ocean","id":"dash-2"})";
  REQUIRE(wait_for([&] { return parse(cli.Get("/api/v1/status")->body)["loop"].GetString() == std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops/ocean.mp4"; }, 5));
  CHECK(wait_for([&] { return parse(cli.Get("/api/v1/status")->body)["switches"].GetUint64() == 1; }, 3));
  auto bad = cli.Post("/api/v1/track", auth, R"({"loop":"nope"})", "application/json");
  CHECK(bad->status == 404);
  CHECK(cli.Post("/api/v1/track", auth, R"({"loop":"sunset"})", "application/json")->status == 202);
  CHECK(wait_for([&] { return parse(cli.Get("/api/v1/status")->body)["switches"].GetUint64() == 2; }, 3));
  CHECK(state() == "running");

  // Garbage in control.json is reported, and changes nothing.
  std::ofstream(dir + "/ctl/control.json") << R"({"command":"self-destruct"})";
  CHECK(wait_for([&] { return read_text(dir + "/ctl/status.json").find("unknown command 'self-destruct'") != std::string::npos; }, 5));
  CHECK(state() == "running");

  // Graceful shutdown: within 5 s, exit 0, a final status.json, a complete FLV.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(lc.terminate(8) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(file_state() == "stopped");
  auto rep = probe_media(dir + "/out.flv");
  REQUIRE(rep);
  CHECK(rep->video.codec == "h264");
  CHECK(rep->duration > 1.5);
  CHECK(rep->video.dts_monotonic);
  CHECK(std::abs(rep->video.end - rep->audio.end) < 0.1);
  CHECK(lc.log().find("tok-42") == std::string::npos);  // the token never reaches the log
}
