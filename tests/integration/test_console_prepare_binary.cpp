// The console's loops in splice mode against the real binary (issue 27): an upload is prepared in
// the background (the stream's own cache, nice 10) with its progress streamed as SSE, the listing
// says "prepared", and the stream on air keeps its pace meanwhile; a loop on air may be replaced by
// PUT: the stream goes on with the version it has, and the new one is prepared and shown at the
// next switch to it. Serial: the pace is judged against the wall clock.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
const httplib::Headers kAuth = {{"Authorization", "Bearer tok-prepare"}};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The loops listing's "prepared" for `name`: 1 true, 0 false, -1 absent (not listed, or no flag).
int prepared(httplib::Client& cli, const std::string& name) {
  auto r = cli.Get("/api/v1/loops");
  rapidjson::Document doc;
  doc.Parse(r ? r->body.c_str() : "{}");
  if (!doc.IsObject() || !doc.HasMember("loops")) return -1;
  for (const auto& l : doc["loops"].GetArray())
    if (l["name"].GetString() == name) return l.HasMember("prepared") ? (l["prepared"].GetBool() ? 1 : 0) : -1;
  return -1;
}

// Every "prepare" document of the progress stream at `path`, read until the server ends it.
std::vector<rapidjson::Document> progress_events(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(std::chrono::seconds(90));
  std::string body;
  auto r = cli.Get(path, [&](const char* data, size_t n) {
    body.append(data, n);
    return true;
  });
  std::vector<rapidjson::Document> out;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("data: ", 0) == 0) {
      out.emplace_back();
      out.back().Parse(line.c_str() + 6);
    }
  return out;
}

uint64_t frames(httplib::Client& cli) { return status(cli)["video_frames"].GetUint64(); }

struct SpliceConsole {
  std::string dir = make_temp_dir("loopcast-prepare");
  std::string loops = dir + "/loops", cache = dir + "/cache";
  int port = free_tcp_port();
  std::unique_ptr<Loopcast> lc;
  explicit SpliceConsole(const char* mode = "splice") {
    fs::create_directory(loops);
    fs::copy_file(fixture("loop_1s_25fps.mp4"), loops + "/a.mp4");
    std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": []})";
    lc = std::make_unique<Loopcast>(
        std::vector<std::string>{"--loop", "a.mp4", "--loops-dir", loops, "--mapping", dir + "/mapping.json", "--output", dir + "/out.flv",
                                 "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k", "--fps", "30",
                                 "--video-mode", mode, "--cache-dir", cache},
        "", EnvVars{{"LOOPCAST_API_TOKEN", "tok-prepare"}});
  }
  // A 12 s clip: long enough that its build is seen in progress.
  std::string long_clip() {
    const std::string clip = dir + "/long.mp4";
    REQUIRE(run_cmd("ffmpeg -v error -nostdin -f lavfi -i testsrc2=s=320x180:r=30:d=12 -c:v libx264 -g 30 -movflags +faststart " +
                    shell_quote(clip)).code == 0);
    return clip;
  }
};
}  // namespace

TEST_CASE("console prepare: an upload in splice mode is prepared with progress over SSE, the stream keeps its pace, listed prepared") {
  SpliceConsole c;
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), c.lc->log());
  CHECK(wait_for([&] { return prepared(cli, "a.mp4") == 1; }, 10));  // the loop on air was built to start

  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t f0 = frames(cli);
  auto up = cli.Put("/api/v1/loops/long.mp4", kAuth, read_text(c.long_clip()), "video/mp4");
  REQUIRE(up);
  CHECK_MESSAGE(up->status == 201, up->body);
  CHECK_MESSAGE(has(up->body, R"("preparing":true,"progress":"/api/v1/loops/long.mp4/prepare")"), up->body);
  const auto events = progress_events(c.port, "/api/v1/loops/long.mp4/prepare");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t f1 = frames(cli);

  REQUIRE(events.size() >= 2);
  int building = 0;
  double last = -1;
  for (const auto& e : events) {
    REQUIRE(e.IsObject());
    CHECK(std::string(e["name"].GetString()) == "long.mp4");
    const std::string state = e["state"].GetString();
    if (state == "building") {
      ++building;
      const int64_t total = e["total"].GetInt64();  // 0 at the very start (not probed yet)
      CHECK((total == 0 || total == 360));          // 12 s at 30 fps: whole passes, at least one GOP
    }
    CHECK(e["progress"].GetDouble() >= last);
    last = e["progress"].GetDouble();
  }
  CHECK(building >= 1);
  CHECK(std::string(events.back()["state"].GetString()) == "prepared");
  CHECK(last == doctest::Approx(1.0));
  CHECK(prepared(cli, "long.mp4") == 1);
  // The stream on air kept its pace while the loop was encoded beside it (30 fps; 10 % slack for the probe and the start).
  CHECK_MESSAGE(static_cast<double>(f1 - f0) >= 0.9 * 30 * seconds - 15, (f1 - f0), " frames in ", seconds, " s");
  CHECK(str(status(cli)["state"]) == "running");

  // A settled loop's stream says so at once and ends; a name that is not there is a 404.
  const auto again = progress_events(c.port, "/api/v1/loops/long.mp4/prepare");
  REQUIRE(again.size() == 1);
  CHECK(std::string(again[0]["state"].GetString()) == "prepared");
  CHECK(cli.Get("/api/v1/loops/nope.mp4/prepare")->status == 404);
  CHECK(c.lc->terminate() == 0);
}

TEST_CASE("console prepare: replacing the loop on air by PUT keeps the stream going, the new version is prepared and used next") {
  SpliceConsole c;
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), c.lc->log());
  REQUIRE(ends_with(str(status(cli)["loop"]), "/a.mp4"));
  const std::string replacement = read_text(fixture("ramp_2s_24fps.mp4"));

  const uint64_t f0 = frames(cli);
  auto put = cli.Put("/api/v1/loops/a.mp4", kAuth, replacement, "video/mp4");
  REQUIRE(put);
  CHECK_MESSAGE(put->status == 200, put->body);  // replaced, not created
  CHECK_MESSAGE(has(put->body, R"("created":false,"on_air":true,"preparing":true)"), put->body);
  CHECK(read_text(c.loops + "/a.mp4") == replacement);
  const auto events = progress_events(c.port, "/api/v1/loops/a.mp4/prepare");
  REQUIRE_FALSE(events.empty());
  CHECK(std::string(events.back()["state"].GetString()) == "prepared");
  CHECK(prepared(cli, "a.mp4") == 1);  // the new version's entry
  // The stream went on without a fault: same loop, frames flowing, no error.
  CHECK(wait_for([&] { return frames(cli) > f0 + 60; }, 10));
  auto s = status(cli);
  CHECK(str(s["state"]) == "running");
  CHECK(ends_with(str(s["loop"]), "/a.mp4"));
  CHECK_MESSAGE(str(s["last_error"]).empty(), str(s["last_error"]));
  CHECK(s["restarts"].GetUint64() == 0);

  // The next switch to it shows the new version: away to another loop and back.
  REQUIRE(cli.Put("/api/v1/loops/b.mp4", kAuth, read_text(fixture("loop_1s_25fps.mp4")), "video/mp4")->status == 201);
  (void)progress_events(c.port, "/api/v1/loops/b.mp4/prepare");
  REQUIRE(cli.Post("/api/v1/track", kAuth, R"({"loop": "b.mp4"})", "application/json")->status == 202);
  CHECK_MESSAGE(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/b.mp4"); }, 10), c.lc->log());
  REQUIRE(cli.Post("/api/v1/track", kAuth, R"({"loop": "a.mp4"})", "application/json")->status == 202);
  CHECK_MESSAGE(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/a.mp4"); }, 10), c.lc->log());
  CHECK(str(status(cli)["state"]) == "running");
  CHECK(status(cli)["restarts"].GetUint64() == 0);
  CHECK(c.lc->terminate() == 0);
}

TEST_CASE("console prepare: in encode mode nothing is prepared (no flag, progress off), and the loop on air is replaced safely") {
  SpliceConsole c("encode");
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), c.lc->log());
  CHECK(prepared(cli, "a.mp4") == -1);
  auto up = cli.Put("/api/v1/loops/c.mp4", kAuth, read_text(fixture("loop_1s_25fps.mp4")), "video/mp4");
  REQUIRE(up);
  CHECK_MESSAGE(has(up->body, R"("preparing":false)"), up->body);
  const auto events = progress_events(c.port, "/api/v1/loops/c.mp4/prepare");
  REQUIRE(events.size() == 1);
  CHECK(std::string(events[0]["state"].GetString()) == "off");
  CHECK_FALSE(fs::exists(c.cache));

  // The decoder keeps its open file through every wrap (1 s loop: several wraps below); the name
  // points at the new file, which the next switch to it opens.
  const uint64_t f0 = frames(cli);
  auto put = cli.Put("/api/v1/loops/a.mp4", kAuth, read_text(fixture("ramp_2s_24fps.mp4")), "video/mp4");
  REQUIRE(put);
  CHECK_MESSAGE(has(put->body, R"("created":false,"on_air":true,"preparing":false)"), put->body);
  CHECK(wait_for([&] { return frames(cli) > f0 + 120; }, 10));
  REQUIRE(cli.Post("/api/v1/track", kAuth, R"({"loop": "c.mp4"})", "application/json")->status == 202);
  CHECK(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/c.mp4"); }, 10));
  REQUIRE(cli.Post("/api/v1/track", kAuth, R"({"loop": "a.mp4"})", "application/json")->status == 202);
  CHECK(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/a.mp4"); }, 10));
  auto s = status(cli);
  CHECK(str(s["state"]) == "running");
  CHECK_MESSAGE(str(s["last_error"]).empty(), str(s["last_error"]));
  CHECK(s["restarts"].GetUint64() == 0);
  CHECK(c.lc->terminate() == 0);
}
