// The shared-file protocol's last word: after SIGTERM, DIR/status.json (the first stream's) and
// DIR/main/status.json both say "stopped" for stream "main", with no error.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

namespace {
rapidjson::Document read_json(const std::string& path) {
  rapidjson::Document d;
  d.Parse(read_text(path).c_str());
  return d;
}
std::string str(const rapidjson::Document& d, const char* key) {
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString() : "<absent>";
}
}  // namespace

TEST_CASE("shutdown: the last status.json says stopped for the stream, not 'no such stream'") {
  const std::string dir = make_temp_dir("loopcast-shutfiles");
  Loopcast lc({"--control-dir", dir + "/ctl", "--output", dir + "/out.flv", "--http-port", "0", "--size", "320x180", "--vbitrate", "300k"});
  REQUIRE_MESSAGE(wait_for([&] { return str(read_json(dir + "/ctl/status.json"), "state") == "running"; }, 15), lc.log());
  REQUIRE(lc.terminate() == 0);
  for (const std::string& path : {dir + "/ctl/status.json", dir + "/ctl/main/status.json"}) {
    const auto st = read_json(path);
    CHECK_MESSAGE(str(st, "state") == "stopped", path);
    CHECK_MESSAGE(str(st, "stream") == "main", path);
    CHECK_MESSAGE(str(st, "last_error").find("no such stream") == std::string::npos, path);
  }
}
