// open_input (engine/input/open_input.hpp): one way to open an input, one deadline on each step.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "engine/input/open_input.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
using namespace std::chrono_literals;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

TEST_CASE("open_input: a peer that accepts and never answers is a clear timeout within the deadline") {
  test::SilentListener server;  // listens, never replies
  std::atomic<bool> stop{false};
  IoDeadline deadline(stop);
  InputOptions opt;
  opt.timeout_s = 1.0;
  const auto t0 = std::chrono::steady_clock::now();
  auto in = open_input("http://127.0.0.1:" + std::to_string(server.port) + "/radio.mp3", deadline, opt);
  const double took = seconds_since(t0);
  REQUIRE_FALSE(in);
  CHECK(in.code() == Errc::unavailable);
  CHECK(in.error() == "timed out: no answer within 1s");
  CHECK(took >= 0.9);
  CHECK(took < 2.5);
}

TEST_CASE("open_input: the stop flag, or a second one set later, ends an open that waits on a silent peer") {
  test::SilentListener server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port) + "/radio.mp3";
  InputOptions opt;
  opt.timeout_s = 30;
  for (bool second : {false, true}) {
    CAPTURE(second);
    std::atomic<bool> stop{false}, owner_stop{false};
    IoDeadline deadline(stop);
    if (second) deadline.also_stop_on(&owner_stop);
    std::thread stopper([&] {
      std::this_thread::sleep_for(300ms);
      (second ? owner_stop : stop) = true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    auto in = open_input(url, deadline, opt);
    const double took = seconds_since(t0);
    stopper.join();
    REQUIRE_FALSE(in);
    CHECK(in.error() == "stopped");
    CHECK(took < 2.0);
  }
}

TEST_CASE("open_input: a local file opens with its streams known, a missing one is not_found") {
  std::atomic<bool> stop{false};
  IoDeadline deadline(stop);
  auto in = open_input(fixture("loop_1s_25fps.mp4"), deadline);
  REQUIRE_MESSAGE(in, in.error());
  REQUIRE((*in)->nb_streams >= 1);
  CHECK((*in)->streams[0]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO);
  CHECK((*in)->streams[0]->codecpar->width > 0);  // probed

  auto missing = open_input(fixture("no_such_loop.mp4"), deadline);
  REQUIRE_FALSE(missing);
  CHECK(missing.code() == Errc::not_found);
  CHECK(missing.error().find("No such file") != std::string::npos);
}
