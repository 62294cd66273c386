// Issue 3 acceptance on the real rig: loop video + Icecast audio → loopcast → nginx-rtmp, then
// the recording is checked with libavformat the way YouTube's ingest would judge it.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;

TEST_CASE("20 s from the Icecast mount to nginx-rtmp: a recording YouTube would accept") {
  Rig rig;
  const auto t0 = std::chrono::steady_clock::now();
  // A 1 s loop at 25 fps: 20 wraps, duplicated frames, timestamps starting at 10 s in the file.
  Loopcast lc({"--loop", fixture("loop_1s_25fps.mp4"), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("main"),
               "--duration", "20", "--http-port", "0", "--size", "1280x720", "--fps", "30", "--vbitrate", "1500k"});
  REQUIRE_MESSAGE(lc.wait(45) == 0, lc.log());
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(wall >= 20.0);  // paced in real time, never a faster-than-real-time burst
  CHECK(rig.wait_recordings_closed());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one publish session
  auto rep = probe_media(recs[0], true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  const auto& v = rep->video;
  const auto& a = rep->audio;
  // Every packet decodes cleanly: an encoder fed damaged frames (or a muxer cutting packets) shows here.
  CHECK_MESSAGE(v.decode_errors == 0, v.first_decode_error);
  CHECK_MESSAGE(a.decode_errors == 0, a.first_decode_error);
  CHECK(v.codec == "h264");
  CHECK(a.codec == "aac");
  CHECK(v.width == 1280);
  CHECK(v.height == 720);
  CHECK(v.fps == doctest::Approx(30).epsilon(0.01));
  CHECK(a.sample_rate == 44100);
  CHECK(a.channels == 2);
  CHECK_MESSAGE(v.dts_monotonic, v.first_violation);
  CHECK_MESSAGE(a.dts_monotonic, a.first_violation);
  // 20 loop wraps and not one timestamp jump: every step is one frame, except where a starved
  // machine dropped pictures to keep real time, and then exactly as many as it reported.
  const auto said = dropped_frames_in_log(lc.log());
  REQUIRE_MESSAGE(said, lc.log());
  const int64_t dropped = *said;
  const auto gap = missing_frames(v, 30);
  REQUIRE_MESSAGE(gap, "a DTS step is not a whole number of frames");
  CHECK(*gap == dropped);
  CHECK(a.max_dts_gap <= 1024.0 / 44100 + 0.002);
  CHECK(v.max_keyframe_interval <= 2.0 + 0.001);
  CHECK(v.keyframes.size() >= 10);
  CHECK(std::abs(v.end - a.end) <= 0.1);  // audio and video end together
  // ... and start together: sound from the first picture on, within one AAC frame (issue 26).
  CHECK(a.start <= v.start + 1024.0 / 44100 + 0.002);
  CHECK(rep->duration == doctest::Approx(20).epsilon(0.03));
  CHECK(static_cast<int64_t>(v.dts.size()) + dropped == doctest::Approx(600).epsilon(0.01));  // 20 s at 30 fps, drops counted
  // The station's music is in there: almost every second has signal (the first may be buffering).
  int loud = 0;
  for (double r : rep->audio_rms) loud += r > 0.01;
  CHECK(loud >= static_cast<int>(rep->audio_rms.size()) - 2);
}

TEST_CASE("station unreachable at start: the stream still runs, with silence, and says why") {
  const int dead_port = free_tcp_port();
  const std::string out = make_temp_dir("loopcast-out") + "/out.flv";
  Loopcast lc({"--audio", "http://127.0.0.1:" + std::to_string(dead_port) + "/radio.mp3", "--output", out, "--duration", "4",
               "--http-port", "0", "--size", "640x360"});
  REQUIRE_MESSAGE(lc.wait(20) == 0, lc.log());
  CHECK(lc.log().find("Connection refused") != std::string::npos);
  auto rep = probe_media(out, false, true);
  REQUIRE(rep);
  CHECK(rep->video.present());
  CHECK(rep->audio.present());
  CHECK(rep->duration == doctest::Approx(4).epsilon(0.05));
  REQUIRE(!rep->audio_rms.empty());
  for (double r : rep->audio_rms) CHECK(r == 0.0);  // silence, not noise
}

TEST_CASE("bad input is a clean, explained, non-zero exit") {
  const std::string dir = make_temp_dir("loopcast-bad");
  SUBCASE("missing loop file") {
    Loopcast lc({"--loop", dir + "/nope.mp4", "--output", dir + "/x.flv", "--http-port", "0"});
    CHECK(lc.wait(10) == 1);
    CHECK(lc.log().find("nope.mp4") != std::string::npos);
    CHECK(lc.log().find("No such file") != std::string::npos);
  }
  SUBCASE("corrupt loop file") {
    Loopcast lc({"--loop", fixture("corrupt.mp4"), "--output", dir + "/x.flv", "--http-port", "0"});
    CHECK(lc.wait(10) == 1);
    CHECK(lc.log().find("corrupt.mp4") != std::string::npos);
  }
  SUBCASE("unwritable output") {
    Loopcast lc({"--output", "/nonexistent-dir/x.flv", "--http-port", "0"});
    CHECK(lc.wait(10) == 1);
    CHECK(lc.log().find("/nonexistent-dir/x.flv") != std::string::npos);
  }
  SUBCASE("bad output URL, key redacted") {
    Loopcast lc({"--output", "udp://ingest.example/live/very-secret-key", "--http-port", "0"});
    CHECK(lc.wait(10) == 2);
    CHECK(lc.log().find("expected rtmp://") != std::string::npos);
    CHECK(lc.log().find("very-secret-key") == std::string::npos);
  }
  SUBCASE("unknown flag") {
    Loopcast lc({"--output", dir + "/x.flv", "--fsp", "30"});
    CHECK(lc.wait(10) == 2);
    CHECK(lc.log().find("unknown flag '--fsp'") != std::string::npos);
  }
}

// Every picture of a loop at the output rate goes on air once, in order, across wraps. The
// fixture's frame i is flat grey at luma 16 + 3i, so each recorded picture says which loop frame it
// is; its Matroska millisecond time base puts frame times a hair past the output grid, which used to
// repeat one frame in three and skip the next (judder no timestamp check can see).
TEST_CASE("a loop at the output rate is on air frame for frame: each picture once, in order, across wraps") {
  Rig rig;
  Loopcast lc({"--loop", fixture("ramp_2s_30fps.mkv"), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("ramp"), "--duration",
               "7", "--http-port", "0", "--size", "320x180", "--fps", "30", "--vbitrate", "1000k"});
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  CHECK(lc.log().find(" 0 duplicated") != std::string::npos);
  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);
  auto rep = probe_media(recs[0], true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  REQUIRE(rep->luma.size() > 180);
  // Picture i of the loop belongs at output frame n with i == n mod 60 (plus one constant offset,
  // whatever the muxer did to the first timestamp); frames a starved machine dropped are simply absent.
  auto loop_index = [&](size_t k) { return static_cast<int>(std::lround((rep->luma[k] - 16) / 3)); };
  auto frame_no = [&](size_t k) { return static_cast<int>(std::lround(rep->thumb_pts[k] * 30)); };
  const int offset = ((loop_index(0) - frame_no(0)) % 60 + 60) % 60;
  int wrong = 0, wraps = 0;
  std::string first_wrong;
  for (size_t k = 0; k < rep->luma.size(); ++k) {
    const int expected = (frame_no(k) + offset) % 60;
    if (loop_index(k) != expected && wrong++ == 0)
      first_wrong = fmt::format("frame {} shows loop picture {} (luma {:.1f}), expected {}", frame_no(k), loop_index(k), rep->luma[k], expected);
    if (k > 0 && loop_index(k) < loop_index(k - 1)) ++wraps;
  }
  CHECK_MESSAGE(wrong == 0, wrong << " pictures out of place; first: " << first_wrong);
  // onMetaData carries the frame rate (flvenc writes it from the stream's average rate). nginx's
  // recorder writes metadata of its own, so this is judged on loopcast's own FLV (without it,
  // ffprobe guesses 1000/33 from the millisecond timestamps).
  TempDir dir("loopcast-meta");
  Loopcast meta({"--loop", fixture("ramp_2s_30fps.mkv"), "--output", dir.path + "/m.flv", "--duration", "1", "--http-port", "0", "--size",
                 "320x180"});
  REQUIRE_MESSAGE(meta.wait(20) == 0, meta.log());
  const auto rate = run_cmd("ffprobe -v error -select_streams v -show_entries stream=avg_frame_rate -of csv=p=0 " + shell_quote(dir.path + "/m.flv"));
  CHECK_MESSAGE(rate.output.rfind("30/1", 0) == 0, rate.output);
  CHECK(wraps >= 3);  // 7 s of a 2 s loop
}
