// Which loop goes on air first: --loop; else a time rule of the mapping holding at start-up (the
// Supervisor's choice); else the mapping's default; the loops directory's last file by name only
// when nothing names a loop. app/defaults.cpp fills --loop in, the Supervisor applies the time rule.
// (A mapping whose default is a.mp4 once started on b.mp4, the directory's last: "sunset" before "ocean".)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/defaults.hpp"
#include "control/stream/supervisor.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
namespace fs = std::filesystem;

namespace {
// A loops directory holding a.mp4 and b.mp4 (b.mp4 last by name), and room for a mapping beside it.
struct Loops {
  test::TempDir tmp{"loopcast-first-loop"};
  std::string dir = tmp.path + "/loops";
  Loops() {
    fs::create_directory(dir);
    for (const char* name : {"a.mp4", "b.mp4"})
      fs::copy_file(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/loop_1s_25fps.mp4", dir + "/" + name);
  }
  std::string mapping(const std::string& json) const {
    const std::string path = tmp.path + "/mapping.json";
    std::ofstream(path) << json;
    return path;
  }
  // The config a `loopcast run --loops-dir DIR [--mapping FILE] [--loop NAME]` starts from.
  AppConfig config(const std::string& mapping_file, const std::string& loop = "") const {
    AppConfig cfg;
    cfg.control.loops_dir = dir;
    cfg.control.mapping_file = mapping_file;
    cfg.engine.loop = loop;
    apply_embedded_defaults(cfg);
    return cfg;
  }
};

std::string name_of(const std::string& path) { return fs::path(path).filename().string(); }

// The loop the Supervisor would start on (never started: status shows the loop the start uses).
std::string first_on_air(const AppConfig& cfg) {
  Supervisor sup(cfg);
  return name_of(sup.status().loop);
}
}  // namespace

TEST_CASE("first loop: the mapping's default, not the loops directory's last file by name") {
  Loops loops;
  const AppConfig cfg = loops.config(loops.mapping(R"({"default": "a.mp4", "rules": [{"artist": "Air", "loop": "b.mp4"}]})"));
  CHECK(cfg.engine.loop == loops.dir + "/a.mp4");
  CHECK(first_on_air(cfg) == "a.mp4");
}

TEST_CASE("first loop: the loops directory's last file only when nothing names one") {
  Loops loops;
  SUBCASE("no mapping") { CHECK(name_of(loops.config("").engine.loop) == "b.mp4"); }
  SUBCASE("a mapping without a default") {
    CHECK(name_of(loops.config(loops.mapping(R"({"rules": [{"artist": "Air", "loop": "a.mp4"}]})")).engine.loop) == "b.mp4");
  }
  // A default that is not there cannot start a stream: the Supervisor reports the missing file, and
  // the stream starts on a loop that exists.
  SUBCASE("a mapping whose default is missing") {
    CHECK(name_of(loops.config(loops.mapping(R"({"default": "gone.mp4"})")).engine.loop) == "b.mp4");
  }
}

TEST_CASE("first loop: --loop wins over the mapping's default") {
  Loops loops;
  const std::string mapping = loops.mapping(R"({"default": "a.mp4"})");
  CHECK(loops.config(mapping, "b").engine.loop == loops.dir + "/b.mp4");  // by name, extension optional
  CHECK(first_on_air(loops.config(mapping, "b.mp4")) == "b.mp4");
}

TEST_CASE("first loop: a time rule of the mapping holding at start-up beats its default") {
  Loops loops;
  SUBCASE("a rule that holds every day, all day") {  // neither the default nor the directory's last: the rule alone
    const std::string mapping =
        loops.mapping(R"({"default": "b.mp4", "rules": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "loop": "a.mp4"}]})");
    CHECK(first_on_air(loops.config(mapping)) == "a.mp4");
  }
  SUBCASE("a rule that held once, long ago: the default") {
    const std::string mapping = loops.mapping(R"({"default": "a.mp4", "rules": [{"dates": ["2001-01-01"], "loop": "b.mp4"}]})");
    CHECK(first_on_air(loops.config(mapping)) == "a.mp4");
  }
}
