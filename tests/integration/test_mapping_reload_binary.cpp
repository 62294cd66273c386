// POST /api/v1/mapping/reload (no body, as curl -X POST sends it) when no mapping is configured:
// a 409 that says so, instead of "mapping file '': cannot open".
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

TEST_CASE("mapping reload without a mapping: 409 'no mapping is configured', the stream runs on") {
  const std::string dir = make_temp_dir("loopcast-noreload");
  const int port = free_tcp_port();
  Loopcast lc({"--output", dir + "/out.flv", "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return cli.Get("/api/v1/status") != nullptr; }, 10), lc.log());
  for (const char* path : {"/api/v1/mapping/reload", "/api/v1/streams/main/mapping/reload"}) {
    auto r = cli.Post(path);
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK_MESSAGE(r->body.find("no mapping is configured") != std::string::npos, r->body);
    CHECK(r->body.find("cannot open") == std::string::npos);
  }
  auto st = status(cli);
  CHECK(std::string(st["state"].GetString()) != "error");
  CHECK(lc.terminate() == 0);
}
