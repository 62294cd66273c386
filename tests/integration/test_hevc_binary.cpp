// --codec hevc (issue 28): the live encode in HEVC (libx265) for the outputs that carry it, here an
// HLS directory: closed 2 s GOPs, each segment decodable on its own (parameter sets at every
// keyframe), the whole decodable; FLV outputs, and title cards over an HEVC splice with an H.264 output of its
// own, refused at start with the reason.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/integration/hls_segments.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"

using namespace loopcast::test;

TEST_CASE("codec hevc: HLS segments in HEVC with closed 2 s GOPs, each decodable on its own") {
  TempDir tmp("loopcast-hevc");
  const std::string dir = tmp.path + "/hls";
  std::filesystem::create_directories(dir);
  Loopcast lc({"--codec", "hevc", "--output", "hls:" + dir, "--duration", "9", "--size", "320x180", "--vbitrate", "300k", "--preset",
               "ultrafast", "--http-port", "0"});
  REQUIRE_MESSAGE(lc.wait(60) == 0, lc.log());
  const auto segs = hls_segments(dir);
  REQUIRE(segs.size() >= 4);
  // A segment alone, from the middle: it starts on a keyframe with its parameter sets.
  const std::string middle = std::next(segs.begin(), 2)->second;
  const auto alone = run_cmd("ffmpeg -hide_banner -nostdin -v error -xerror -i " + shell_quote(middle) + " -f null - 2>&1");
  CHECK_MESSAGE(alone.code == 0, alone.output);
  auto seg = probe_media(middle, true, false);
  REQUIRE_MESSAGE(seg, (seg ? "" : seg.error()));
  CHECK(seg->video.codec == "hevc");
  REQUIRE_FALSE(seg->video.keyframes.empty());
  CHECK(seg->video.keyframes.front() == doctest::Approx(seg->video.start).epsilon(0.001));

  const std::string all = tmp.path + "/all.ts";
  join_hls_segments(dir, all);
  auto rep = probe_media(all, true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->video.codec == "hevc");
  CHECK(rep->audio.codec == "aac");
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK(rep->video.end - rep->video.start == doctest::Approx(9).epsilon(0.05));
  // Keyframes exactly every 2 s: the GOP YouTube asks for, and where the segments are cut.
  REQUIRE(rep->video.keyframes.size() >= 4);
  for (size_t i = 1; i < rep->video.keyframes.size(); ++i)
    CHECK(rep->video.keyframes[i] - rep->video.keyframes[i - 1] == doctest::Approx(2.0).epsilon(0.02));
}

TEST_CASE("codec hevc: refused for FLV outputs and in splice mode, with the reason, before anything is sent") {
  TempDir tmp("loopcast-hevc-refused");
  Loopcast flv({"--codec", "hevc", "--output", tmp.path + "/out.flv", "--output", "rtmp://127.0.0.1:1/live/hevc-key-0042", "--duration",
                "2", "--http-port", "0"});
  CHECK(flv.wait(20) == 2);
  CHECK_MESSAGE(flv.log().find("codec hevc: output") != std::string::npos, flv.log());
  CHECK(flv.log().find("cannot carry HEVC") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp.path + "/out.flv"));

  Loopcast rtmp({"--codec", "hevc", "--output", "rtmp://127.0.0.1:1/live/hevc-key-0042", "--duration", "2", "--http-port", "0"});
  CHECK(rtmp.wait(20) == 2);
  CHECK(rtmp.log().find("cannot carry HEVC") != std::string::npos);
  CHECK(rtmp.log().find("hevc-key-0042") == std::string::npos);

  // What is composed per song is made for the stream's own picture: an H.264 FLV beside an HEVC
  // splice takes its own cache, but then no title card.
  std::filesystem::create_directories(tmp.path + "/hls");
  Loopcast splice({"--codec", "hevc", "--video-mode", "splice", "--title-card", "4", "--output", "hls:" + tmp.path + "/hls", "--output",
                   tmp.path + "/h264.flv#codec=h264", "--duration", "2", "--http-port", "0"});
  CHECK(splice.wait(20) == 2);
  CHECK_MESSAGE(splice.log().find("composed for the stream's own picture only") != std::string::npos, splice.log());

  Loopcast other({"--codec", "av1", "--output", tmp.path + "/x.flv", "--duration", "2", "--http-port", "0"});
  CHECK(other.wait(20) == 2);
  CHECK(other.log().find("h264|hevc") != std::string::npos);
}
