// Issue 26: Icecast sends seconds of audio at once when a listener connects (burst-on-connect).
// The station feed keeps all of it (it is the music listeners would otherwise miss), bounded by
// the buffer's size, instead of cutting it down to the target level.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "engine/engine_config.hpp"
#include "engine/input/station_feed.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;

namespace {
// A mount that sends `body` at once on every connection and then keeps it open, silent.
struct BurstServer {
  explicit BurstServer(std::string body) : reply("HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n" + body) {
    thread = std::thread([this] {
      int c = -1;
      while (!done) {
        pollfd p{listener.fd, POLLIN, 0};
        if (c >= 0 || poll(&p, 1, 50) <= 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        c = accept(listener.fd, nullptr, nullptr);
        if (c < 0) continue;
        char buf[2048];
        (void)!read(c, buf, sizeof buf);
        (void)!write(c, reply.data(), reply.size());
      }
      if (c >= 0) close(c);
    });
  }
  ~BurstServer() {
    done = true;
    thread.join();
  }
  test::SilentListener listener;
  std::string reply;
  std::atomic<bool> done{false};
  std::thread thread;
};

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("a 3 s connect burst is kept whole, not trimmed to the 0.2 s target") {
  BurstServer server(file_bytes(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/tone_3s.mp3"));
  StationOptions cfg = EngineConfig{}.station();
  cfg.audio_buffer = 0.2;
  cfg.io_timeout = 10;
  StationFeed feed("http://127.0.0.1:" + std::to_string(server.listener.port) + "/radio.mp3", cfg, nullptr);
  feed.start();
  // Nothing reads: everything the station sent stays buffered (the probe takes none of it).
  double level = 0;
  REQUIRE(test::wait_for([&] { return (level = feed.status().buffer) >= 2.8; }, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(feed.status().buffer == doctest::Approx(level).epsilon(0.05));  // and none of it dropped later
  CHECK(feed.status().buffer <= 3.1);
  feed.stop();
}
