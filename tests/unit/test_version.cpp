// One version string, from CMake's project(VERSION): the CLI, user agents and metrics agree.
#include <doctest/doctest.h>

#include <regex>

#include "api/metrics.hpp"
#include "base/version.hpp"

using namespace loopcast;

TEST_CASE("the version is CMake's project version, and user agents and metrics carry it") {
  const std::string v = version();
  CHECK(std::regex_match(v, std::regex(R"(\d+\.\d+\.\d+)")));
  CHECK(user_agent() == "loopcast/" + v);
  CHECK(render_metrics(StatusSnapshot{}).find("loopcast_build_info{version=\"" + v + "\"} 1\n") != std::string::npos);
}
