// Every TLS client connection goes through one verification policy (base/tls): shown here for
// the cover-art fetch, the station, the AzuraCast feed and a network loop, each behind stunnel
// (the ingest has its own rig test): refused with the system CAs, accepted with the test CA as
// --ca-file would give it, refused again for a certificate naming another host.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "api/azuracast_feed.hpp"
#include "base/tls.hpp"
#include "engine/input/cover_art.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/engine_config.hpp"
#include "engine/input/station_feed.hpp"
#include "tests/support/fake_azuracast.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/stalling_file_server.hpp"
#include "tests/support/image_server.hpp"
#include "tests/support/tls_proxy.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {


template <class F>
bool wait_until(F done, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A StationFeed on `url` for up to `seconds`: "" once it is connected with audio buffered, else its last error.
std::string station_outcome(const std::string& url, double seconds) {
  StationOptions c = EngineConfig{}.station();
  c.io_timeout = 3;
  c.audio_buffer = 0.2;
  c.backoff = Backoff{0.2, 1.5, 1.0};
  StationFeed feed(url, c, nullptr);
  feed.start();
  std::string err;
  const bool ok = wait_until([&] {
    const auto s = feed.status();
    err = s.last_error;
    return (s.state == AudioState::connected && s.buffer >= 0.1) || !err.empty();
  }, seconds);
  const auto s = feed.status();
  feed.stop();
  if (ok && s.state == AudioState::connected && err.empty()) return "";
  return err.empty() ? "no audio and no error" : err;
}
}  // namespace

TEST_CASE("cover art over https: an untrusted or misnamed certificate is refused, a trusted private CA works") {
  const std::string dir = make_temp_dir("loopcast-tls");
  TestCerts certs(dir);
  ImageServer images;
  const int backend = port_of(images.url(""));
  TlsProxy evil(certs, "evil", backend), misnamed(certs, "other.example", backend), good(certs, "localhost", backend);
  auto art = [](int port) { return load_cover_art("https://localhost:" + std::to_string(port) + "/red.png", 64, 5); };
  {
    PolicyScope system_cas(TlsPolicy{});  // default: the system CA bundle, which knows none of these
    auto r = art(evil.port);
    REQUIRE(!r);
    CHECK(r.error().find("certificate") != std::string::npos);
    CHECK(!art(good.port));
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    CHECK(art(good.port));
    auto r = art(misnamed.port);
    REQUIRE(!r);
    CHECK(r.error().find("hostname") != std::string::npos);
    CHECK(!art(evil.port));
  }
  {
    PolicyScope insecure(TlsPolicy{false, ""});
    CHECK(art(evil.port));
  }
}

TEST_CASE("the station over https: refused without the CA, played with it, refused for another host name") {
  const std::string dir = make_temp_dir("loopcast-tls-station");
  TestCerts certs(dir);
  LoopbackHttp station;
  const std::string mp3 = read_text(fixture("tone_3s.mp3"));
  station.routes().Get("/radio.mp3", [&](const httplib::Request&, httplib::Response& res) {
    // A live mount: the file again and again, until the client goes.
    res.set_chunked_content_provider("audio/mpeg", [&, sent = size_t{0}](size_t, httplib::DataSink& sink) mutable {
      const size_t at = sent % mp3.size(), n = std::min<size_t>(8192, mp3.size() - at);
      if (!sink.write(mp3.data() + at, n)) return false;
      sent += n;
      station.stall(0.05);
      return true;
    });
  });
  station.start();
  const int backend = port_of(station.url(""));
  TlsProxy good(certs, "localhost", backend), misnamed(certs, "other.example", backend);
  auto url = [](int port) { return "https://localhost:" + std::to_string(port) + "/radio.mp3"; };
  {
    PolicyScope system_cas(TlsPolicy{});
    const std::string err = station_outcome(url(good.port), 10);
    CHECK_MESSAGE(err.find("certificate") != std::string::npos, err);
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    const std::string ok = station_outcome(url(good.port), 10);
    CHECK_MESSAGE(ok.empty(), ok);
    const std::string err = station_outcome(url(misnamed.port), 10);
    CHECK_MESSAGE(!err.empty(), "a certificate for other.example was accepted for localhost");
  }
}

TEST_CASE("the AzuraCast feed over https: refused without the CA (no song), followed with it") {
  const std::string dir = make_temp_dir("loopcast-tls-feed");
  TestCerts certs(dir);
  FakeAzuraCast az;
  az.play(FakeAzuraCast::fixture("azuracast_song_a.json"));
  TlsProxy good(certs, "localhost", port_of(az.base_url()));
  const FeedOptions opts{"https://localhost:" + std::to_string(good.port), az.station(), 1.0, 0.3, 0.05, Backoff{0.1, 2.0, 0.5}};
  auto songs = [](const FakeController& c) {
    std::lock_guard lk(c.mu);
    return c.tracks.size();
  };
  {
    PolicyScope system_cas(TlsPolicy{});
    FakeController ctl;
    AzuraCastFeed feed(ctl, opts);
    ctl.attach(&feed);
    feed.start();
    CHECK(wait_until([&] { return !ctl.status().trigger.last_error.empty(); }, 10));
    // The operator reads why: the certificate, not a bare "Input/output error".
    const std::string why = ctl.status().trigger.last_error;
    CHECK_MESSAGE(why.find("certificate") != std::string::npos, why);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a few retries of both channels
    CHECK(songs(ctl) == 0);
    CHECK(az.rest_calls() == 0);  // nothing reached the station behind the proxy
    CHECK(ctl.status().trigger.state != TriggerState::live);
    feed.stop();
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    FakeController ctl;
    AzuraCastFeed feed(ctl, opts);
    ctl.attach(&feed);
    feed.start();
    CHECK_MESSAGE(wait_until([&] { return songs(ctl) >= 1 && ctl.status().trigger.state == TriggerState::live; }, 10), ctl.status().trigger.last_error);
    feed.stop();
  }
}

TEST_CASE("a network loop over https: refused without the CA, opened with it") {
  const std::string dir = make_temp_dir("loopcast-tls-loop");
  TestCerts certs(dir);
  StallingFileServer files(read_text(fixture("loop_1s_25fps.mp4")));  // never armed: a plain file server
  TlsProxy good(certs, "localhost", port_of(files.url().substr(0, files.url().rfind('/'))));
  const std::string url = "https://localhost:" + std::to_string(good.port) + "/loop.mp4";
  const VideoFormat out{320, 180, AV_PIX_FMT_YUV420P};
  {
    PolicyScope system_cas(TlsPolicy{});
    auto src = LoopSource::open(url, out);
    REQUIRE_FALSE(src);
    CHECK(src.error().find("open loop") != std::string::npos);
    CHECK_MESSAGE(src.error().find("certificate") != std::string::npos, src.error());  // why, not just "Input/output error"
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    auto src = LoopSource::open(url, out);
    CHECK_MESSAGE(src, (src ? "" : src.error()));
  }
}
