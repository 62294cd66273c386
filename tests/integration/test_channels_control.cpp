// README, channels: "Files: DIR/{id}/status.json, DIR/{id}/control.json and DIR/{id}/control.d/
// per stream; DIR/status.json and DIR/control.json stay the first stream's", and "signals (SIGHUP
// reloads every stream's mapping)". Two channels with file outputs and their own mapping files.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/atomic_file.hpp"
#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

namespace {
std::string assets() { return std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops"; }

rapidjson::Document file_doc(const std::string& path) {
  rapidjson::Document d;
  const std::string text = read_text(path);
  d.Parse(text.empty() ? "{}" : text.c_str());
  if (!d.IsObject()) d.Parse("{}");
  return d;
}
std::string file_field(const std::string& path, const char* key) {
  auto d = file_doc(path);
  return d.HasMember(key) ? str(d[key]) : "";
}
// A stream's status over the API ({} when it does not answer 200).
rapidjson::Document stream_status(httplib::Client& cli, const std::string& id) {
  rapidjson::Document d;
  auto r = cli.Get("/api/v1/streams/" + id + "/status");
  d.Parse(r && r->status == 200 ? r->body.c_str() : "{}");
  if (!d.IsObject()) d.Parse("{}");
  return d;
}
std::string field_of(httplib::Client& cli, const std::string& id, const char* key) {
  auto d = stream_status(cli, id);
  return d.HasMember(key) ? str(d[key]) : "";
}
size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("channels: each stream has its own control files, and SIGHUP reloads every stream's mapping") {
  TempDir dir("loopcast-chan-ctl");
  const std::string ctl = dir.path + "/ctl";
  const int port = free_tcp_port();
  // Each stream's mapping: Air → the other loop than the stream's own start loop.
  std::ofstream(dir.path + "/one.json") << R"({"default": "sunset.mp4", "rules": [{"artist": "Nobody", "loop": "ocean.mp4"}]})";
  std::ofstream(dir.path + "/two.json") << R"({"default": "ocean.mp4", "rules": [{"artist": "Nobody", "loop": "sunset.mp4"}]})";
  const std::string config = dir.path + "/channels.json";
  REQUIRE(loopcast::write_file_atomic(config, fmt::format(R"({{
    "http_port": {}, "loops_dir": "{}", "size": "320x180", "vbitrate": "300k", "control_dir": "{}",
    "streams": [
      {{"id": "one", "loop": "sunset.mp4", "mapping": "{}", "output": "{}"}},
      {{"id": "two", "loop": "ocean.mp4", "mapping": "{}", "output": "{}"}}]}})",
      port, assets(), ctl, dir.path + "/one.json", dir.path + "/one.flv", dir.path + "/two.json", dir.path + "/two.flv")));
  Loopcast lc({"--config", config});
  auto cli = api(port);
  auto running = [&](const std::string& id) { return field_of(cli, id, "state") == "running"; };
  REQUIRE_MESSAGE(wait_for([&] { return running("one") && running("two"); }, 20), lc.log());

  // Per-stream status files, and the root file is the first stream's.
  REQUIRE_MESSAGE(wait_for([&] { return file_field(ctl + "/one/status.json", "stream") == "one"; }, 5), read_text(ctl + "/one/status.json"));
  REQUIRE_MESSAGE(wait_for([&] { return file_field(ctl + "/two/status.json", "stream") == "two"; }, 5), read_text(ctl + "/two/status.json"));
  CHECK(file_field(ctl + "/status.json", "stream") == "one");
  CHECK(file_field(ctl + "/two/status.json", "loop").find("ocean.mp4") != std::string::npos);

  // two's control.json switches two only, and is acknowledged in two's status.json.
  std::ofstream(ctl + "/two/control.json") << R"({"command": "switch", "loop": "sunset", "id": "two-1"})";
  CHECK_MESSAGE(wait_for([&] { return field_of(cli, "two", "loop").find("sunset.mp4") != std::string::npos; }, 8), lc.log());
  CHECK(wait_for([&] { return read_text(ctl + "/two/status.json").find("\"id\":\"two-1\"") != std::string::npos; }, 5));
  CHECK(field_of(cli, "one", "loop").find("sunset.mp4") != std::string::npos);  // one never saw it
  CHECK(read_text(ctl + "/status.json").find("two-1") == std::string::npos);

  // one's control.d queue stops one only; two runs on. Then the root control.json starts one again.
  std::filesystem::create_directories(ctl + "/one/control.d");
  REQUIRE(loopcast::write_file_atomic(ctl + "/one/control.d/001.json", R"({"command": "stop", "id": "one-q1"})"));
  CHECK_MESSAGE(wait_for([&] { return field_of(cli, "one", "state") == "stopped"; }, 8), lc.log());
  CHECK(running("two"));
  CHECK(wait_for([&] { return !std::filesystem::exists(ctl + "/one/control.d/001.json"); }, 5));  // run once, removed
  std::ofstream(ctl + "/control.json") << R"({"command": "start", "id": "root-1"})";
  CHECK_MESSAGE(wait_for([&] { return running("one"); }, 10), lc.log());
  CHECK(wait_for([&] { return read_text(ctl + "/status.json").find("\"id\":\"root-1\"") != std::string::npos; }, 5));
  CHECK(read_text(ctl + "/two/status.json").find("root-1") == std::string::npos);

  // SIGHUP: both mapping files get a rule for Air; one signal reloads both streams.
  std::ofstream(dir.path + "/one.json", std::ios::trunc) << R"({"default": "sunset.mp4", "rules": [{"artist": "Air", "loop": "ocean.mp4"}]})";
  std::ofstream(dir.path + "/two.json", std::ios::trunc) << R"({"default": "ocean.mp4", "rules": [{"artist": "Air", "loop": "ocean.mp4"}]})";
  const size_t loads_before = count(lc.log(), "track mapping loaded");
  send_signal(lc.pid, SIGHUP);
  REQUIRE_MESSAGE(wait_for([&] { return count(lc.log(), "track mapping loaded") >= loads_before + 2; }, 5), lc.log());
  for (const char* id : {"one", "two"}) {
    CAPTURE(id);
    auto r = cli.Post(fmt::format("/api/v1/streams/{}/track", id), R"({"artist": "Air", "title": "Sexy Boy"})", "application/json");
    REQUIRE(r);
    CHECK(r->status == 202);
    // Both were on sunset: only the reloaded rule sends Air to ocean.
    CHECK_MESSAGE(wait_for([&] { return field_of(cli, id, "loop").find("ocean.mp4") != std::string::npos; }, 8), lc.log());
  }
  CHECK(lc.terminate() == 0);
}
