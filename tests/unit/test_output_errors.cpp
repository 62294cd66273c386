// Output faults at start: operator mistakes fail fast, an ingest that is merely down is retried.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "engine/pipeline.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;

namespace {

EngineConfig small_config(std::string output) {
  EngineConfig c;
  c.loop = fixture("loop_1s_25fps.mp4");
  c.outputs = {std::move(output)};
  c.width = 320;
  c.height = 180;
  c.video_bitrate = 300'000;
  c.preset = "ultrafast";
  c.io_timeout = 2;
  c.output_backoff = Backoff{0.2, 1.5, 1.0};
  return c;
}

// A loopback port with nothing listening: connect() is refused at once.
int closed_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}
}  // namespace

TEST_CASE("an unwritable output file fails the start with the path in the message") {
  auto p = Pipeline::create(small_config("/nonexistent-dir/out.flv"));
  REQUIRE_FALSE(p);
  CHECK(p.code() == Errc::invalid);
  CHECK(p.error().find("/nonexistent-dir/out.flv") != std::string::npos);
}

TEST_CASE("an hls: output whose directory is missing or not a directory fails the start, writing nothing") {
  test::TempDir tmp("hls-bad-dir");
  auto missing = Pipeline::create(small_config("hls:" + tmp.path + "/missing"));
  REQUIRE_FALSE(missing);
  CHECK(missing.code() == Errc::invalid);
  CHECK(missing.error() == "output 'hls:" + tmp.path + "/missing': directory '" + tmp.path + "/missing' does not exist (create it first)");
  CHECK_FALSE(std::filesystem::exists(tmp.path + "/missing"));
  { std::ofstream(tmp.path + "/file") << "x"; }
  auto file = Pipeline::create(small_config("hls:" + tmp.path + "/file"));
  REQUIRE_FALSE(file);
  CHECK(file.code() == Errc::invalid);
  CHECK(file.error().find("is not a directory") != std::string::npos);
  auto empty = Pipeline::create(small_config("hls:"));
  REQUIRE_FALSE(empty);
  CHECK(empty.code() == Errc::invalid);
  CHECK(empty.error().find("hls: needs a directory") != std::string::npos);
}

TEST_CASE("an hls: output removes what an earlier session left, and only that") {
  test::TempDir tmp("hls-leftovers");
  for (const char* name : {"index.m3u8", "index.m3u8.tmp", "index1796000000.ts", "index1796000001.ts.tmp", "keep.ts", "index.html"})
    std::ofstream(tmp.path + "/" + name) << "old";
  auto p = Pipeline::create(small_config("hls:" + tmp.path));
  REQUIRE_MESSAGE(p, (p ? "" : p.error()));
  // (The new session writes its own index.m3u8 and segments, never with this content.)
  auto old = [&](const char* name) { return test::read_text(tmp.path + "/" + name) == "old"; };
  for (const char* gone : {"index.m3u8", "index.m3u8.tmp", "index1796000000.ts", "index1796000001.ts.tmp"})
    CHECK_FALSE_MESSAGE(old(gone), gone);
  for (const char* kept : {"keep.ts", "index.html"}) CHECK_MESSAGE(old(kept), kept);
}

TEST_CASE("an unknown URL scheme is refused, with the key redacted") {
  auto p = Pipeline::create(small_config("foo://ingest.example/live/s3cret-key"));
  REQUIRE_FALSE(p);
  CHECK(p.error().find("s3cret-key") == std::string::npos);
}

TEST_CASE("a missing loop file fails the start") {
  auto cfg = small_config("/tmp/never-written.flv");
  cfg.loop = fixture("missing.mp4");
  auto p = Pipeline::create(cfg);
  REQUIRE_FALSE(p);
  CHECK(p.code() == Errc::not_found);
}

TEST_CASE("a dead RTMP ingest does not stop the engine: it keeps encoding and retrying") {
  const int port = closed_port();
  auto cfg = small_config("rtmp://127.0.0.1:" + std::to_string(port) + "/live/secret-key-123");
  auto p = Pipeline::create(cfg);
  REQUIRE_MESSAGE(p, (p ? "" : p.error()));
  (*p)->start();
  // Wait for the facts, not for a time: a loaded machine gets there later, never differently.
  REQUIRE(loopcast::test::wait_for([&] { return (*p)->stats().video_frames >= 30 && (*p)->outputs().at(0).attempt >= 1; }, 20));
  const auto stats = (*p)->stats();
  const auto outs = (*p)->outputs();
  CHECK(stats.video_frames >= 30);  // the clock kept running
  REQUIRE(outs.size() == 1);
  CHECK(outs[0].state == OutputState::reconnecting);
  CHECK(outs[0].attempt >= 1);
  CHECK(outs[0].last_error.find("Connection refused") != std::string::npos);
  CHECK(outs[0].url.find("secret-key-123") == std::string::npos);
  (*p)->stop();
}
