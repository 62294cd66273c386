// Which loop goes on air first when no --loop is given: the mapping's default, never merely the
// loops directory's last file by name (a mapping whose default is a.mp4 once started on b.mp4).
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
std::string fixture(const char* name) { return std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/" + name; }

// The loop on air once the stream runs, as status reports it.
std::string first_loop(const std::string& dir, const std::vector<std::string>& extra) {
  const int port = free_tcp_port();
  std::vector<std::string> args{"--loops-dir", dir + "/loops", "--output", dir + "/out.flv", "--http-port", std::to_string(port),
                                "--size", "320x180", "--vbitrate", "300k"};
  args.insert(args.end(), extra.begin(), extra.end());
  Loopcast lc(args);
  auto cli = api(port);
  std::string loop;
  const bool running = wait_for([&] {
    auto st = status(cli);
    if (!st.IsObject() || !st.HasMember("state") || std::string(st["state"].GetString()) != "running") return false;
    loop = st["loop"].GetString();
    return true;
  }, 15);
  REQUIRE_MESSAGE(running, lc.log());
  CHECK(lc.terminate() == 0);
  return fs::path(loop).filename().string();
}
}  // namespace

TEST_CASE("first loop: the mapping's default, else the directory's last file by name") {
  const std::string dir = make_temp_dir("loopcast-first");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/a.mp4");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/b.mp4");
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": [{"artist": "Air", "loop": "b.mp4"}]})";
  CHECK(first_loop(dir, {"--mapping", dir + "/mapping.json"}) == "a.mp4");
  // Nothing names a loop: the directory's own choice.
  CHECK(first_loop(dir, {}) == "b.mp4");
  // --loop wins over the mapping.
  CHECK(first_loop(dir, {"--mapping", dir + "/mapping.json", "--loop", "b.mp4"}) == "b.mp4");
}
