// Issue 26 on the real rig: a quiet (-24 LUFS) and a loud (-8 LUFS) station, each through icecast
// in real time, both leave loopcast at YouTube's -14 LUFS with no true peak over -1 dBTP. The
// recordings are judged by an independent meter (the ffmpeg CLI's ebur128 filter), not loopcast's.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <cmath>
#include <regex>
#include <string>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

namespace {
struct Measured {
  double integrated = NAN;  // LUFS
  double true_peak = NAN;   // dBTP
};

// The summary of `ffmpeg -af ebur128=peak=true` over the audio of `media` (from `from_s` on).
Measured ebur128(const std::string& media, double from_s = 0) {
  const auto r = run_cmd(fmt::format("ffmpeg -nostdin -hide_banner -nostats -ss {} -i {} -map 0:a -af ebur128=peak=true -f null - 2>&1",
                                     from_s, shell_quote(media)));
  Measured m;
  const auto summary = r.output.rfind("Summary:");
  if (summary == std::string::npos) return m;
  const std::string tail = r.output.substr(summary);
  std::smatch g;
  if (std::regex_search(tail, g, std::regex(R"(I:\s+(-?[\d.]+) LUFS)"))) m.integrated = std::stod(g[1]);
  if (std::regex_search(tail, g, std::regex(R"(True peak:\s+Peak:\s+(-?[\d.]+) dBFS)"))) m.true_peak = std::stod(g[1]);
  return m;
}

// A station's playout at `lufs`: a chord with a noise hit every half second (transients that stand
// well above the loudness, as drums do), 30 s of MP3 fed to icecast's `mount` in real time.
pid_t start_station(const Rig& rig, const std::string& mount, double lufs, const std::string& dir) {
  const std::string raw = dir + "/" + mount + "-raw.wav";
  const std::string file = dir + "/" + mount + ".mp3";
  const char* expr =
      "0.25*sin(2*PI*220*t)+0.15*sin(2*PI*330*t)+0.5*(random(0)*2-1)*exp(-mod(t\\,0.5)*40)|"
      "0.25*sin(2*PI*220*t)+0.15*sin(2*PI*277*t)+0.5*(random(1)*2-1)*exp(-mod(t\\,0.5)*40)";
  REQUIRE(run_cmd(fmt::format("ffmpeg -v error -nostdin -y -f lavfi -i \"aevalsrc='{}':s=44100:d=30\" {}", expr, shell_quote(raw))).code == 0);
  const double made = ebur128(raw).integrated;
  REQUIRE(std::isfinite(made));
  REQUIRE(run_cmd(fmt::format("ffmpeg -v error -nostdin -y -i {} -af volume={}dB -c:a libmp3lame -b:a 192k {}", shell_quote(raw), lufs - made,
                              shell_quote(file))).code == 0);
  const double station = ebur128(file).integrated;
  MESSAGE(fmt::format("station '{}': {:.1f} LUFS", mount, station));
  CHECK(std::fabs(station - lufs) < 1.0);  // the premise: the station really is that loud
  return spawn({"ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", file, "-c:a", "copy", "-content_type", "audio/mpeg",
                "-f", "mp3", fmt::format("icecast://source:rigsource@127.0.0.1:{}/{}", rig.ice_port(), mount)},
               dir + "/" + mount + ".log");
}

double number(const rapidjson::Value& v, const char* k) { return v.HasMember(k) && v[k].IsNumber() ? v[k].GetDouble() : NAN; }
}  // namespace

TEST_CASE("--loudness-target -14: a -24 and a -8 LUFS station both measure -14 ± 1.5 LUFS, no true peak over -1 dBTP") {
  Rig rig;
  TempDir dir("loopcast-loudness");
  struct Station {
    const char* mount;
    double lufs;
  };
  const Station stations[] = {{"quiet.mp3", -24}, {"loud.mp3", -8}};
  std::deque<KilledAtExit> sources;  // (not movable)
  std::vector<std::unique_ptr<Loopcast>> runs;
  std::vector<int> ports;
  for (const auto& s : stations) {
    sources.emplace_back(start_station(rig, s.mount, s.lufs, dir.path));
    // The mount serves (a live stream never ends: curl times out after the status line, 200).
    REQUIRE(wait_for([&] { return run_cmd(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' --max-time 1 http://127.0.0.1:{}/{}", rig.ice_port(), s.mount)).output == "200"; }, 10));
  }
  for (const auto& s : stations) {
    ports.push_back(free_tcp_port());
    const std::string name = std::string(s.mount).substr(0, std::string(s.mount).find('.'));
    runs.push_back(std::make_unique<Loopcast>(std::vector<std::string>{
        "--loop", rig.loop_a(), "--audio", fmt::format("http://127.0.0.1:{}/{}", rig.ice_port(), s.mount), "--output", rig.rtmp_url(name),
        "--duration", "25", "--http-port", std::to_string(ports.back()), "--size", "320x180", "--vbitrate", "300k", "--loudness-target", "-14"}));
  }
  // Half way, the status shows the stage at work: target, the gain it took, the level it reached.
  std::this_thread::sleep_for(std::chrono::seconds(15));
  for (size_t i = 0; i < runs.size(); ++i) {
    CAPTURE(stations[i].mount);
    auto cli = api(ports[i]);
    auto d = status(cli);
    REQUIRE_MESSAGE(d.IsObject(), runs[i]->log());
    REQUIRE(d.HasMember("loudness"));
    REQUIRE(d["loudness"].IsObject());
    const auto& l = d["loudness"];
    CHECK(number(l, "target") == -14);
    CHECK(number(l, "short_term") == doctest::Approx(-14).epsilon(1.5 / 14));
    CHECK(number(l, "gain_db") == doctest::Approx(-14 - stations[i].lufs).epsilon(0.2));
    // The limiter's ceiling leaves the encoder its measured headroom (4 dB in the first minute)...
    CHECK(number(l, "ceiling") <= -5.5 + 0.05);
    CHECK(number(l, "true_peak_max") <= number(l, "ceiling") + 0.1);
    // ...and the AAC decoded again is what is judged: the codec's overshoot shows there, under -1 dBTP.
    CHECK(number(l, "encoded_true_peak_max") > number(l, "true_peak_max"));
    CHECK(number(l, "encoded_true_peak_max") <= -1.0);
  }
  for (auto& r : runs) REQUIRE_MESSAGE(r->wait(40) == 0, r->log());
  REQUIRE(rig.wait_recordings_closed());
  for (const auto& s : stations) {
    const std::string name = std::string(s.mount).substr(0, std::string(s.mount).find('.'));
    std::string rec;
    for (const auto& f : rig.recordings())
      if (f.find("/" + name + "-") != std::string::npos) rec = f;
    REQUIRE_MESSAGE(!rec.empty(), name);
    const auto m = ebur128(rec);
    MESSAGE(fmt::format("{} LUFS station → recording {:.1f} LUFS integrated, true peak {:.1f} dBTP", s.lufs, m.integrated, m.true_peak));
    CHECK(m.integrated == doctest::Approx(-14).epsilon(1.5 / 14));
    CHECK(m.true_peak <= -1.0);
  }
}

TEST_CASE("--loudness-target: out of range or not a number is refused before anything starts") {
  for (const char* bad : {"-3", "-40", "loud", ""}) {
    CAPTURE(bad);
    Loopcast lc({"--loudness-target", bad, "--output", "/tmp/never.flv", "--duration", "1"});
    CHECK(lc.wait(10) == 2);
    CHECK(lc.log().find("loudness_target") != std::string::npos);
  }
}
