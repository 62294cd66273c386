// Per-output profiles (issue 28, simulcast) through the real binary: one stream, four outputs,
// three encoders — the stream's own H.264 (two outputs share it), a smaller H.264 and an HEVC HLS
// beside FLV. Each recording has its own codec and size, clean timestamps and 2 s keyframes, and
// shows the same picture as the stream's (SSIM against the full-size recording, scaled).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "tests/integration/hls_segments.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"

using namespace loopcast::test;

namespace {
void check_clean(const MediaReport& r, const char* codec, int w, int h) {
  CHECK(r.video.codec == codec);
  CHECK(r.video.width == w);
  CHECK(r.video.height == h);
  CHECK(r.audio.codec == "aac");
  CHECK_MESSAGE(r.video.dts_monotonic, r.video.first_violation);
  CHECK_MESSAGE(r.video.decode_errors == 0, r.video.first_decode_error);
  REQUIRE(r.video.keyframes.size() >= 3);
  for (size_t i = 1; i < r.video.keyframes.size(); ++i)
    CHECK(r.video.keyframes[i] - r.video.keyframes[i - 1] == doctest::Approx(2.0).epsilon(0.02));
}
}  // namespace

TEST_CASE("output profiles: four outputs, three encoders, each its own codec and size, one picture") {
  TempDir tmp("loopcast-profiles");
  const std::string dir = tmp.path + "/hls";
  std::filesystem::create_directories(dir);
  const std::string a = tmp.path + "/a.flv", b = tmp.path + "/b.flv", c = tmp.path + "/c.flv";
  Loopcast lc({"--size", "640x360", "--vbitrate", "600k", "--preset", "ultrafast", "--duration", "8", "--http-port", "0",  //
               "--output", a,                                                        // the stream's own
               "--output", b + "#size=320x180&vbitrate=300k",                        // smaller, H.264
               "--output", "hls:" + dir + "#codec=hevc&size=320x180&vbitrate=250k",  // HEVC beside FLV
               "--output", c + "#vbitrate=600k"});                                   // the stream's own, named: shared
  REQUIRE_MESSAGE(lc.wait(60) == 0, lc.log());
  const std::string log = lc.log();
  // Three encoders, in the order outputs name them: never one per output.
  CHECK_MESSAGE(log.find("on air: 640x360 600 kb/s h264 + 320x180 300 kb/s h264 + 320x180 250 kb/s hevc @30 fps") != std::string::npos,
                log);

  auto full = probe_media(a, true, true);
  REQUIRE_MESSAGE(full, (full ? "" : full.error()));
  check_clean(*full, "h264", 640, 360);
  auto small = probe_media(b, true, true);
  REQUIRE_MESSAGE(small, (small ? "" : small.error()));
  check_clean(*small, "h264", 320, 180);
  auto shared = probe_media(c, true, false);
  REQUIRE_MESSAGE(shared, (shared ? "" : shared.error()));
  CHECK(shared->video.width == 640);
  CHECK(shared->video.keyframes == full->video.keyframes);  // the same encoder's packets

  const std::string all = tmp.path + "/all.ts";
  REQUIRE(join_hls_segments(dir, all) >= 3);
  auto hevc = probe_media(all, true, true);
  REQUIRE_MESSAGE(hevc, (hevc ? "" : hevc.error()));
  check_clean(*hevc, "hevc", 320, 180);

  // The small one is the stream's picture scaled, frame for frame (not another loop, not garbage).
  const auto ssim = run_cmd("ffmpeg -hide_banner -nostdin -i " + shell_quote(a) + " -i " + shell_quote(b) +
                            " -lavfi '[0:v]scale=320:180:flags=bicubic[x];[x][1:v]ssim' -f null - 2>&1");
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(ssim.output, m, std::regex("All:([0-9.]+)")), ssim.output);
  CHECK(std::stod(m[1]) > 0.85);
}

TEST_CASE("output profiles: mistakes are refused at start, named, nothing written, no key shown") {
  TempDir tmp("loopcast-profiles-bad");
  const std::string key = "prof-key-7731";
  const std::pair<std::string, std::string> cases[] = {
      {"rtmp://127.0.0.1:1/live/" + key + "#size=640x480", "not the shape of the stream's 1280x720"},
      {"rtmp://127.0.0.1:1/live/" + key + "#codec=hevc", "cannot carry HEVC"},
      {"rtmp://127.0.0.1:1/live/" + key + "#bitrate=1M", "unknown key (size, vbitrate, codec)"},
      {"twitch://" + key + "#vbitrate=8000k", "video_bitrate 8000k is over the 6000k Twitch takes"},
  };
  for (const auto& [output, says] : cases) {
    CAPTURE(says);
    Loopcast lc({"--output", tmp.path + "/ok.flv", "--output", output, "--duration", "2", "--http-port", "0"});
    CHECK(lc.wait(20) == 2);
    CHECK_MESSAGE(lc.log().find(says) != std::string::npos, lc.log());
    CHECK(lc.log().find(key) == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(tmp.path + "/ok.flv"));
  }
  // `prepare` checks the profiles it is given as `run` does, before encoding anything.
  const auto prep = run_cmd(std::string(LOOPCAST_BINARY) + " prepare --cache-dir " + shell_quote(tmp.path + "/cache") + " --output " +
                            shell_quote(tmp.path + "/p.flv#size=1280x721") + " 2>&1");
  CHECK(prep.code == 2);
  CHECK_MESSAGE(prep.output.find("profile size=1280x721: width and height must be even") != std::string::npos, prep.output);
  CHECK_FALSE(std::filesystem::exists(tmp.path + "/cache"));
  // What is composed per song is made for the stream's own picture: not with splice profiles.
  Loopcast splice({"--video-mode", "splice", "--title-card", "4", "--output", tmp.path + "/ok.flv", "--output",
                   tmp.path + "/small.flv#size=640x360", "--duration", "2", "--http-port", "0"});
  CHECK(splice.wait(20) == 2);
  CHECK_MESSAGE(splice.log().find("composed for the stream's own picture only") != std::string::npos, splice.log());
}
