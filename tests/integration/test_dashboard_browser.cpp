// The built-in dashboard in a real browser (Debian's chromium, driven by playwright-core): live
// status arrives over SSE, the buttons really stop, start and switch the stream.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

TEST_CASE("dashboard page in headless Chromium: live status, Stop/Start/Switch buttons, screenshot") {
  const std::string e2e = std::string(LOOPCAST_SOURCE_DIR) + "/tests/e2e";
  REQUIRE_MESSAGE(std::filesystem::exists(e2e + "/node_modules/playwright-core"), "run scripts/install-deps.sh (npm ci in tests/e2e)");
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  const std::string dir = make_temp_dir("loopcast-e2e");
  const int port = free_tcp_port();
  Loopcast lc({"--output", dir + "/out.flv", "--http-port", std::to_string(port), "--api-token", "ui-token", "--size", "640x360",
               "--vbitrate", "600k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli).IsObject() && status(cli)["state"] == "running"; }, 10), lc.log());

  const std::string shot = dir + "/dashboard.png";
  auto r = run_cmd("cd " + shell_quote(e2e) + " && timeout 90 node dashboard.mjs http://127.0.0.1:" + std::to_string(port) + " ui-token " +
                   shell_quote(shot));
  const std::string line = r.output.substr(r.output.rfind('{') == std::string::npos ? 0 : r.output.rfind('{'));
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_MESSAGE(d.IsObject(), r.output);
  REQUIRE_MESSAGE(d["ok"].GetBool(), r.output);
  CHECK(std::string(d["initial"].GetString()) == "running");
  CHECK(d["frames"].GetDouble() > 0);
  CHECK(std::string(d["after_stop"].GetString()) == "stopped");
  CHECK(std::string(d["message"].GetString()) == "stop: ok");
  CHECK(std::string(d["after_start"].GetString()) == "running");
  // The clicks reached the engine, not just the page.
  auto s = status(cli);
  CHECK(s["restarts"].GetUint64() == 0);
  CHECK(std::string(s["loop"].GetString()).find("ocean.mp4") != std::string::npos);
  CHECK(s["switches"].GetUint64() >= 1);
  // A real picture: a PNG of some size.
  CHECK(std::filesystem::file_size(shot) > 10000);
  CHECK(read_text(shot).substr(1, 3) == "PNG");
  CHECK(lc.terminate() == 0);
}
