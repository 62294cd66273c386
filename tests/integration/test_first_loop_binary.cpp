// Which loop goes on air first when no --loop is given: a time rule of the mapping holding at
// start-up, else the mapping's default (in a config file's stream entry too), never merely the
// loops directory's last file by name (a mapping whose default is a.mp4 once started on b.mp4).
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {

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

// A loops directory holding a.mp4 and b.mp4: b.mp4 is the last by name, the one that must not win.
std::string loops_a_b() {
  const std::string dir = make_temp_dir("loopcast-first");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/a.mp4");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/b.mp4");
  return dir;
}
}  // namespace

TEST_CASE("first loop: the mapping's default, else the directory's last file by name") {
  const std::string dir = loops_a_b();
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": [{"artist": "Air", "loop": "b.mp4"}]})";
  CHECK(first_loop(dir, {"--mapping", dir + "/mapping.json"}) == "a.mp4");
  // Nothing names a loop: the directory's own choice.
  CHECK(first_loop(dir, {}) == "b.mp4");
  // --loop wins over the mapping.
  CHECK(first_loop(dir, {"--mapping", dir + "/mapping.json", "--loop", "b.mp4"}) == "b.mp4");
}

TEST_CASE("first loop: a time rule of the mapping holding at start-up, else its default") {
  const std::string dir = loops_a_b();
  // The rule names neither the default nor the directory's last file: it alone can start on a.mp4.
  std::ofstream(dir + "/always.json") << R"({"default": "b.mp4", "rules": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                                                         "loop": "a.mp4"}]})";
  CHECK(first_loop(dir, {"--mapping", dir + "/always.json"}) == "a.mp4");
  std::ofstream(dir + "/past.json") << R"({"default": "a.mp4", "rules": [{"dates": ["2001-01-01"], "loop": "b.mp4"}]})";
  CHECK(first_loop(dir, {"--mapping", dir + "/past.json"}) == "a.mp4");
}

TEST_CASE("first loop: a config file's stream entry with a mapping starts on its default") {
  const std::string dir = loops_a_b();
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4"})";
  std::ofstream(dir + "/config.json") << R"({"streams": [{"id": "jazz", "mapping": ")" << dir << R"(/mapping.json"}]})";
  CHECK(first_loop(dir, {"--config", dir + "/config.json"}) == "a.mp4");
}
