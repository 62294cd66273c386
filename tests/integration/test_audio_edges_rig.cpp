// Issue 26 on the real rig: what listeners hear where the audio source changes, and how each
// session of a recording starts. Judged on the decoded recording, sample by sample.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {

// The left channel of a recording as 44.1 kHz float samples (the ffmpeg CLI as an independent decoder).
std::vector<float> left_channel(const std::string& media, const std::string& dir) {
  const std::string raw = dir + "/left.f32";
  const auto r = run_cmd(fmt::format("ffmpeg -v error -nostdin -y -i {} -map 0:a -af 'pan=mono|c0=c0' -ar 44100 -f f32le {}",
                                     shell_quote(media), shell_quote(raw)));
  if (r.code != 0) return {};
  std::ifstream f(raw, std::ios::binary | std::ios::ate);
  std::vector<float> v(static_cast<size_t>(f.tellg()) / sizeof(float));
  f.seekg(0);
  f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

// The largest sample-to-sample step in [from_s, to_s), and where it is.
std::pair<float, double> max_step(const std::vector<float>& x, double from_s, double to_s) {
  const size_t a = static_cast<size_t>(std::max(1.0, from_s * 44100)), b = std::min(x.size(), static_cast<size_t>(to_s * 44100));
  float m = 0;
  size_t at = a;
  for (size_t i = a; i < b; ++i)
    if (std::fabs(x[i] - x[i - 1]) > m) m = std::fabs(x[i] - x[i - 1]), at = i;
  return {m, static_cast<double>(at) / 44100};
}

std::string audio_state(httplib::Client& cli) {
  auto d = status(cli);
  return d.IsObject() && d.HasMember("audio") && d["audio"].IsObject() && d["audio"].HasMember("state") ? str(d["audio"]["state"]) : "";
}
}  // namespace

TEST_CASE("station → fallback → station: faded and crossfaded, no step larger than the music's own") {
  Rig rig;
  TempDir dir("loopcast-edges");
  const int port = free_tcp_port();
  Loopcast lc({"--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--fallback-audio", fixture("tone_3s.mp3"), "--output",
               rig.rtmp_url("edges"), "--duration", "24", "--http-port", std::to_string(port), "--io-timeout", "2", "--size", "320x180",
               "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return audio_state(cli) == "connected"; }, 15), lc.log());
  std::this_thread::sleep_for(std::chrono::seconds(6));
  rig.stop_icecast();
  CHECK_MESSAGE(wait_for([&] { return audio_state(cli) == "fallback"; }, 8), lc.log());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  rig.start_icecast();
  CHECK_MESSAGE(wait_for([&] { return audio_state(cli) == "connected"; }, 10), lc.log());
  REQUIRE_MESSAGE(lc.wait(40) == 0, lc.log());
  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);
  const auto x = left_channel(recs[0], dir.path);
  REQUIRE(x.size() > 20 * 44100);
  // The music (440 + 660 Hz) steps at most ~0.01 per sample; a cut of its 0.12 amplitude is ten
  // times that. The reference is the station's own music in this recording, before the first edge.
  const auto music = max_step(x, 2.0, 5.0);
  const auto all = max_step(x, 0.05, static_cast<double>(x.size()) / 44100 - 0.05);
  MESSAGE(fmt::format("music's largest step {:.4f}; whole recording {:.4f} at {:.3f} s", music.first, all.first, all.second));
  CHECK(music.first > 0.005);
  CHECK_MESSAGE(all.first <= music.first * 1.5f, lc.log());
}

TEST_CASE("a recording's first picture has sound: audio from the first muxed packet, within one AAC frame") {
  TempDir dir("loopcast-start");
  Loopcast lc({"--loop", fixture("loop_1s_25fps.mp4"), "--output", dir.path + "/s.flv", "--duration", "3", "--http-port", "0", "--size",
               "320x180"});
  REQUIRE_MESSAGE(lc.wait(20) == 0, lc.log());
  auto rep = probe_media(dir.path + "/s.flv", false, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  MESSAGE(fmt::format("first video pts {:.3f} s, first audio pts {:.3f} s", rep->video.start, rep->audio.start));
  // The keyframe's DTS is the session's zero and its picture shows at its PTS (x264's B-frame delay
  // later); the stream's very first audio is the AAC encoder's priming frame, which starts 1024
  // samples before media time 0. Sound must be there when the first picture is (an AAC frame's slack).
  CHECK(rep->audio.start <= rep->video.start + 1024.0 / 44100 + 0.002);
  CHECK(rep->audio.start < 0.1);
}
