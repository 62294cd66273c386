// The station input on its own: decoding and resampling files, and every way a network
// source can fail without ever blocking the reader.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <string>
#include <random>
#include <thread>
#include <vector>

#include "engine/engine_config.hpp"
#include "engine/input/station_feed.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
using loopcast::test::SilentListener;
using namespace std::chrono_literals;

namespace {

StationOptions cfg_with_timeout(double t) {
  StationOptions c = EngineConfig{}.station();
  c.io_timeout = t;
  c.audio_buffer = 0.2;
  c.backoff = Backoff{0.2, 1.5, 1.0};
  return c;
}

struct Stereo {
  explicit Stereo(int n) : l(n), r(n), p{reinterpret_cast<uint8_t*>(l.data()), reinterpret_cast<uint8_t*>(r.data())} {}
  double rms() const {
    double s = 0;
    for (float v : l) s += v * v;
    return std::sqrt(s / l.size());
  }
  std::vector<float> l, r;
  uint8_t* p[2];
};

bool wait_until(const std::function<bool()>& f, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return f();
}

}  // namespace

TEST_CASE("a mono 48 kHz Ogg/Vorbis file is resampled to stereo 44.1 kHz at -3 dB per side and looped") {
  StationFeed feed(fixture("tone_3s_mono48k.ogg"), cfg_with_timeout(2), nullptr);
  feed.start();
  REQUIRE(wait_until([&] { return feed.status().state == AudioState::connected && feed.status().buffer >= 0.2; }, 5000ms));
  Stereo out(4410);
  // Read 5 s of audio from a 3 s file: it loops and the tone goes on across the wrap. Each read
  // waits for the decoder (however slow a loaded machine makes it), so no read may come up short.
  // The fixture is a 550 Hz sine at 1/8 of full scale (RMS 0.0884) sampled at 48 kHz.
  for (int i = 0; i < 50; ++i) {
    REQUIRE(wait_until([&] { return feed.status().buffer >= 0.15; }, 5000ms));
    feed.read(out.p, 4410);
    CAPTURE(i);
    CHECK(out.rms() > 0.05);  // a real tone every time, not silence
    if (i % 10 == 5) {  // away from the wrap (3 s = every 30th read)
      // Mono upmixed to both channels at -3 dB each (constant power, as the README says): 0.0884 x 0.707.
      CHECK(out.rms() == doctest::Approx(0.0625).epsilon(0.08));
      // Resampled, not just relabelled: 0.1 s of 550 Hz crosses zero 110 times at 44.1 kHz (read
      // as 44.1 kHz without resampling it would be 505 Hz, 101 crossings).
      int crossings = 0;
      for (size_t k = 1; k < out.l.size(); ++k) crossings += (out.l[k - 1] < 0) != (out.l[k] < 0);
      CHECK(crossings >= 108);
      CHECK(crossings <= 112);
    }
  }
  bool same = true;
  for (size_t k = 0; k < out.l.size(); ++k) same &= out.l[k] == out.r[k];
  CHECK(same);  // both channels carry the mono signal, sample for sample
  CHECK(feed.status().underruns == 0);
  CHECK(feed.status().underruns == 0);
  feed.stop();
}

TEST_CASE("an unreachable station gives silence, an error and retries") {
  SilentListener probe;  // take a port, then close it: nothing listens there
  const int port = probe.port;
  probe.close_now();
  StationFeed feed("http://127.0.0.1:" + std::to_string(port) + "/radio.mp3", cfg_with_timeout(2), nullptr);
  feed.start();
  REQUIRE(wait_until([&] { return feed.status().reconnects >= 2; }, 3000ms));
  const auto st = feed.status();
  CHECK(st.state == AudioState::connecting);
  CHECK(st.last_error.find("Connection refused") != std::string::npos);
  Stereo out(1024);
  out.l[0] = 1.f;
  feed.read(out.p, 1024);  // never blocks, always delivers
  CHECK(out.rms() == 0.0);
  feed.stop();
}

TEST_CASE("a stalled TCP peer is detected within the I/O timeout, and stop() is prompt") {
  SilentListener server;
  StationFeed feed("http://127.0.0.1:" + std::to_string(server.port) + "/radio.mp3", cfg_with_timeout(1.0), nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  feed.start();
  REQUIRE(wait_until([&] { return !feed.status().last_error.empty(); }, 4000ms));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(took >= 0.9);
  CHECK(took < 3.0);
  CHECK(feed.status().last_error.find("timed out") != std::string::npos);
  const auto s0 = std::chrono::steady_clock::now();
  feed.stop();
  CHECK(std::chrono::steady_clock::now() - s0 < 1500ms);
}

TEST_CASE("credentials in the station URL never appear in status") {
  StationFeed feed("http://user:hunter22@127.0.0.1:1/radio.mp3", cfg_with_timeout(1), nullptr);
  feed.start();
  REQUIRE(wait_until([&] { return !feed.status().last_error.empty(); }, 3000ms));
  const auto st = feed.status();
  CHECK(st.source.find("hunter22") == std::string::npos);
  CHECK(st.last_error.find("hunter22") == std::string::npos);
  feed.stop();
}

namespace {
// A station that is down (nothing listens on its port) with `fallback_file` to play meanwhile.
std::unique_ptr<StationFeed> down_with_fallback(const char* fallback_file) {
  SilentListener probe;
  probe.close_now();
  auto cfg = cfg_with_timeout(1);
  return std::make_unique<StationFeed>("http://127.0.0.1:" + std::to_string(probe.port) + "/radio.mp3", cfg, nullptr,
                                       std::make_unique<StationFeed>(fixture(fallback_file), cfg, nullptr));
}
}  // namespace

TEST_CASE("while the station is down, the fallback file plays — status says so") {
  auto station = down_with_fallback("tone_3s.mp3");
  StationFeed& feed = *station;
  feed.start();
  // The fallback may be heard before the station's first refusal is counted: wait for both.
  REQUIRE(wait_until([&] { return feed.status().state == AudioState::fallback && feed.status().reconnects >= 1; }, 5000ms));
  Stereo out(4410);
  feed.read(out.p, 4410);
  CHECK(out.rms() > 0.05);  // the fallback's tone, not silence
  feed.stop();
}

TEST_CASE("a fallback that cannot play is not reported as playing: the station's own state, and silence") {
  auto station = down_with_fallback("no-such-fallback.mp3");
  StationFeed& feed = *station;
  feed.start();
  REQUIRE(wait_until([&] { return feed.status().reconnects >= 2; }, 5000ms));
  CHECK(feed.status().state == AudioState::connecting);  // not "fallback": nothing of it is heard
  Stereo out(4410);
  out.l[0] = 1.f;
  feed.read(out.p, 4410);
  CHECK(out.rms() == 0.0);
  feed.stop();
}

namespace {
// A one-shot HTTP responder on loopback: answers every connection with `response`, then closes.
struct CannedServer {
  explicit CannedServer(std::string response) : reply(std::move(response)) {
    thread = std::thread([this] {
      while (!done) {
        pollfd p{listener.fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int c = accept(listener.fd, nullptr, nullptr);
        if (c < 0) continue;
        char buf[2048];
        (void)!read(c, buf, sizeof buf);
        (void)!write(c, reply.data(), reply.size());
        ++served;
        close(c);
      }
    });
  }
  ~CannedServer() {
    done = true;
    thread.join();
  }
  SilentListener listener;
  std::string reply;
  std::atomic<bool> done{false};
  std::atomic<int> served{0};
  std::thread thread;
};
}  // namespace

TEST_CASE("a mount that is gone (404) and a mount that sends garbage: errors, retries, silence") {
  SUBCASE("404") {
    CannedServer srv("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    StationFeed feed("http://127.0.0.1:" + std::to_string(srv.listener.port) + "/gone.mp3", cfg_with_timeout(1), nullptr);
    feed.start();
    REQUIRE(wait_until([&] { return feed.status().reconnects >= 2; }, 8000ms));
    CHECK(feed.status().last_error.find("404") != std::string::npos);
    CHECK(feed.status().state == AudioState::connecting);
    CHECK(srv.served >= 2);
    Stereo out(1024);
    out.l[0] = 1.f;
    feed.read(out.p, 1024);
    CHECK(out.rms() == 0.0);  // silence
    feed.stop();
  }
  SUBCASE("garbage bytes") {
    std::string noise(64 * 1024, '\0');
    std::mt19937 rng(7);
    for (auto& ch : noise) ch = static_cast<char>(rng());
    CannedServer srv("HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n" + noise);
    StationFeed feed("http://127.0.0.1:" + std::to_string(srv.listener.port) + "/noise.mp3", cfg_with_timeout(1), nullptr);
    feed.start();
    REQUIRE(wait_until([&] { return feed.status().reconnects >= 2; }, 10000ms));
    CHECK_FALSE(feed.status().last_error.empty());
    CHECK(feed.status().state != AudioState::connected);
    Stereo out(1024);
    out.l[0] = 1.f;
    feed.read(out.p, 1024);  // never blocks, and noise is not music: silence
    CHECK(out.rms() == 0.0);
    feed.stop();
  }
}

TEST_CASE("a loud 5.1 station is folded to stereo without clipping") {
  StationFeed feed(fixture("tone_1s_51.ogg"), cfg_with_timeout(2), nullptr);
  feed.start();
  REQUIRE(wait_until([&] { return feed.status().state == AudioState::connected && feed.status().buffer >= 0.2; }, 5000ms));
  Stereo out(4410);
  float peak = 0;
  for (int i = 0; i < 10; ++i) {
    REQUIRE(wait_until([&] { return feed.status().buffer >= 0.15; }, 5000ms));
    feed.read(out.p, 4410);
    for (size_t k = 0; k < out.l.size(); ++k) peak = std::max({peak, std::abs(out.l[k]), std::abs(out.r[k])});
  }
  feed.stop();
  CHECK(peak > 0.5);    // the tone is there, loud
  CHECK(peak <= 1.0f);  // the default matrix would reach ~1.9: hard clipping on air
}
