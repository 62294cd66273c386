// README: the station may be "Icecast/HTTP MP3, AAC, Ogg". An AAC station: an HTTP server sending
// ADTS AAC without end (as Icecast serves an AAC mount, audio/aacp), read by the station feed: the
// tone comes out, at 44.1 kHz stereo, without underruns.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine_config.hpp"
#include "engine/input/station_feed.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;

TEST_CASE("an AAC (ADTS) station over HTTP plays: the station's tone at its level, no underrun") {
  TempDir dir("loopcast-aac");
  const std::string aac = dir.path + "/radio.aac";
  // 3 s of a 440 Hz sine at 1/8 of full scale (RMS 0.0884), 48 kHz stereo: resampled to 44.1 kHz on the way.
  auto made = run_cmd("ffmpeg -nostdin -y -v error -f lavfi -i sine=f=440:r=48000:d=3 -ac 2 -c:a aac -b:a 128k -f adts " + shell_quote(aac));
  REQUIRE_MESSAGE(made.code == 0, made.output);
  const std::string body = read_text(aac);
  REQUIRE(body.size() > 1000);
  REQUIRE((static_cast<unsigned char>(body[0]) == 0xFF && (static_cast<unsigned char>(body[1]) & 0xF0) == 0xF0));  // ADTS sync word

  LoopbackHttp station;
  station.routes().Get("/radio.aac", [&](const httplib::Request&, httplib::Response& res) {
    // A live mount: the file again and again, ~4x real time at most, until the client goes.
    res.set_chunked_content_provider("audio/aacp", [&, sent = size_t{0}](size_t, httplib::DataSink& sink) mutable {
      const size_t chunk = 4096;
      const size_t at = sent % body.size();
      const size_t n = std::min(chunk, body.size() - at);
      if (!sink.write(body.data() + at, n)) return false;
      sent += n;
      station.stall(0.05);
      return true;
    });
  });
  station.start();

  StationOptions c = EngineConfig{}.station();
  c.io_timeout = 3;
  c.audio_buffer = 0.2;
  c.backoff = Backoff{0.2, 1.5, 1.0};
  StationFeed feed(station.url("/radio.aac"), c, nullptr);
  feed.start();
  auto wait_until = [](auto done, double s) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(s);
    while (!done() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return done();
  };
  REQUIRE_MESSAGE(wait_until([&] { return feed.status().state == AudioState::connected && feed.status().buffer >= 0.2; }, 10),
                  feed.status().last_error);
  std::vector<float> l(4410), r(4410);
  uint8_t* planes[2] = {reinterpret_cast<uint8_t*>(l.data()), reinterpret_cast<uint8_t*>(r.data())};
  // 4 s of audio: across the ends of the file (its repeats are new ADTS frames, no new header).
  // Level and pitch are judged by the median 0.1 s block: a repeat's encoder priming (21 ms of near
  // silence) may fall in one or two blocks.
  std::vector<double> levels;
  std::vector<int> crossings;
  for (int i = 0; i < 40; ++i) {
    REQUIRE(wait_until([&] { return feed.status().buffer >= 0.15; }, 5));
    feed.read(planes, 4410);
    double sl = 0, sr = 0;
    for (size_t k = 0; k < l.size(); ++k) sl += l[k] * l[k], sr += r[k] * r[k];
    CAPTURE(i);
    CHECK(std::sqrt(sl / l.size()) > 0.05);  // the tone, in both channels, every 0.1 s
    CHECK(std::sqrt(sr / r.size()) > 0.05);
    levels.push_back(std::sqrt(sl / l.size()));
    int n = 0;
    for (size_t k = 1; k < l.size(); ++k) n += (l[k - 1] < 0) != (l[k] < 0);
    crossings.push_back(n);
  }
  std::sort(levels.begin(), levels.end());
  std::sort(crossings.begin(), crossings.end());
  CHECK(levels[20] == doctest::Approx(0.0884).epsilon(0.1));  // its level, unchanged
  CHECK(crossings[20] >= 87);  // 0.1 s of 440 Hz at 44.1 kHz: 88 zero crossings (at 48 kHz unresampled: 81)
  CHECK(crossings[20] <= 89);
  CHECK(feed.status().underruns == 0);
  CHECK(feed.status().last_error.empty());
  feed.stop();
}
