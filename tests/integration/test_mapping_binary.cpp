// The real binary with a mapping that has a typo: a rule whose keys are unknown (or that has no
// condition, or bad time values) never becomes a catch-all. It is refused at start-up and on
// reload with the rule named, and the map in use stays as it was.
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

std::string str(const rapidjson::Document& d, const char* key) {
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString() : "";
}
}  // namespace

TEST_CASE("a mapping typo is refused at start-up and on reload naming the rule — the map in use stays") {
  const std::string dir = make_temp_dir("loopcast-map");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/a.mp4");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/b.mp4");
  const std::string mapping = dir + "/mapping.json";
  // The finding: unknown day, impossible time. Accepted, it would have matched everything → b.mp4.
  std::ofstream(mapping) << R"({"default": "a.mp4", "rules": [{"days": ["funday"], "from": "25:00", "loop": "b.mp4"}]})";
  const int port = free_tcp_port();
  const httplib::Headers auth = {{"Authorization", "Bearer tok-7"}};
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", dir + "/loops", "--mapping", mapping, "--output", dir + "/out.flv", "--http-port",
               std::to_string(port), "--api-token", "tok-7", "--size", "640x360", "--vbitrate", "800k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli), "state") == "running"; }, 10), lc.log());
  auto st = status(cli);
  CHECK(str(st, "loop").ends_with("/a.mp4"));
  CHECK_MESSAGE(str(st, "last_error").find("rule 0: unknown day 'funday'") != std::string::npos, str(st, "last_error"));

  // A good map: Air → b.
  std::ofstream(mapping, std::ios::trunc) << R"({"default": "a.mp4", "rules": [{"artist": "Air", "loop": "b.mp4"}]})";
  REQUIRE(cli.Post("/api/v1/mapping/reload", auth, "", "application/json")->status == 200);
  auto song = [&](const char* artist, const char* title) {
    const std::string body = std::string(R"({"artist": ")") + artist + R"(", "title": ")" + title + "\"}";
    return cli.Post("/api/v1/track", auth, body, "application/json")->status;
  };
  REQUIRE(song("Air", "Sexy Boy") == 202);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli), "loop").ends_with("/b.mp4"); }, 10), lc.log());

  // Each broken map is refused with the rule named, and the good one stays in use.
  struct Bad {
    const char* json;
    const char* error;
  };
  for (const Bad& bad : {Bad{R"({"default": "a.mp4", "rules": [{"artsit": "Nobody", "loop": "a.mp4"}]})", "rule 0: unknown key 'artsit'"},
                         Bad{R"({"rules": [{"artist": "Air", "loop": "b.mp4"}, {"loop": "a.mp4"}]})", "rule 1 matches nothing"},
                         Bad{R"({"rules": [{"days": ["mon"], "from": "24:30", "loop": "a.mp4"}]})", "rule 0: 'from': bad time '24:30'"},
                         Bad{R"({"rules": [{"from": "06:00", "to": "06:00", "loop": "a.mp4"}]})", "rule 0: empty window"}}) {
    CAPTURE(bad.json);
    std::ofstream(mapping, std::ios::trunc) << bad.json;
    auto r = cli.Post("/api/v1/mapping/reload", auth, "", "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK_MESSAGE(r->body.find(bad.error) != std::string::npos, r->body);
  }
  REQUIRE(song("Other", "Song") == 202);  // the kept map: not Air → default a
  REQUIRE(wait_for([&] { return str(status(cli), "loop").ends_with("/a.mp4"); }, 10));
  REQUIRE(song("Air", "Playground Love") == 202);  // the kept rule still holds (a catch-all would say a)
  CHECK(wait_for([&] { return str(status(cli), "loop").ends_with("/b.mp4"); }, 10));
  CHECK(str(status(cli), "state") == "running");  // the stream never stopped
  CHECK(lc.terminate() == 0);
}
