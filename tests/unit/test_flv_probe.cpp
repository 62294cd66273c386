// The test-side probe itself: the rig tests trust its verdicts, so it is checked against FLV files
// whose properties are known because the ffmpeg CLI made them.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/flv_probe.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
// Made once for the whole file (~1 s of encoding), removed at exit.
struct Fixtures {
  std::string dir = make_temp_dir("loopcast-probe");
  std::string flv = dir + "/av.flv";        // 3 s testsrc2 320x240@30, GOP 30, + 440 Hz sine, AAC
  std::string clip_a = dir + "/a.mp4";      // 1 s testsrc2 at 640x480: same picture, other size
  std::string clip_b = dir + "/b.mp4";      // 1 s mandelbrot: a different picture
  std::string error;
  Fixtures() {
    const std::string q = "ffmpeg -nostdin -y -v error ";
    auto r = run_cmd(q + "-f lavfi -i testsrc2=s=320x240:r=30:d=3 -f lavfi -i sine=f=440:d=3 -c:v libx264 -preset veryfast "
                         "-g 30 -keyint_min 30 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -ar 44100 -ac 2 -f flv " +
                     shell_quote(flv));
    if (r.code != 0) error += r.output;
    r = run_cmd(q + "-f lavfi -i testsrc2=s=640x480:r=30:d=1 -c:v libx264 -preset veryfast -pix_fmt yuv420p " + shell_quote(clip_a));
    if (r.code != 0) error += r.output;
    r = run_cmd(q + "-f lavfi -i mandelbrot=s=640x480:r=30 -t 1 -c:v libx264 -preset veryfast -pix_fmt yuv420p " + shell_quote(clip_b));
    if (r.code != 0) error += r.output;
  }
  ~Fixtures() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const Fixtures& fixtures() {
  static Fixtures f;
  REQUIRE_MESSAGE(f.error.empty(), f.error);
  return f;
}
}  // namespace

TEST_CASE("probe: codecs, size, fps, keyframes and timestamps of a known FLV") {
  auto rep = probe_media(fixtures().flv);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  const auto& v = rep->video;
  const auto& a = rep->audio;
  CHECK(v.present());
  CHECK(v.codec == "h264");
  CHECK(v.width == 320);
  CHECK(v.height == 240);
  CHECK(v.fps == doctest::Approx(30).epsilon(0.01));
  CHECK(v.dts.size() == 90);
  CHECK(v.pts.size() == v.dts.size());
  REQUIRE(v.keyframes.size() == 3);
  CHECK(v.keyframes[0] == v.start);  // starts on a keyframe (pts > 0 when B-frames delay it)
  CHECK(v.max_keyframe_interval == doctest::Approx(1.0).epsilon(0.01));
  CHECK_MESSAGE(v.dts_monotonic, v.first_violation);
  CHECK(v.max_dts_gap == doctest::Approx(1.0 / 30).epsilon(0.05));  // FLV keeps milliseconds
  CHECK(v.end == doctest::Approx(3.0).epsilon(0.02));

  CHECK(a.codec == "aac");
  CHECK(a.sample_rate == 44100);
  CHECK(a.channels == 2);
  CHECK_MESSAGE(a.dts_monotonic, a.first_violation);
  CHECK(a.max_dts_gap <= 1024.0 / 44100 + 0.002);
  CHECK(a.end == doctest::Approx(3.0).epsilon(0.03));
  CHECK(rep->duration == doctest::Approx(3.0).epsilon(0.03));
  // A sine at ffmpeg's default amplitude 1/8 has RMS 0.125/√2 ≈ 0.088 in every second.
  REQUIRE(rep->audio_rms.size() >= 2);
  for (double r : rep->audio_rms) CHECK(r == doctest::Approx(0.088).epsilon(0.15));
  CHECK(rep->thumbs.empty());  // not asked to decode video
}

TEST_CASE("probe: a 'music' frame at full scale and silence give the RMS they should") {
  const std::string dir = make_temp_dir("loopcast-probe-rms");
  const std::string out = dir + "/s.flv";
  // 1 s of silence then 1 s of a full-scale square-ish tone (volume boosted and clipped).
  auto r = run_cmd("ffmpeg -nostdin -y -v error -f lavfi -i anullsrc=r=48000:cl=mono:d=1 -f lavfi -i sine=f=500:r=48000:d=1 "
                   "-filter_complex '[1]volume=20,alimiter=limit=1:level=0[l];[0][l]concat=n=2:v=0:a=1' -c:a aac -f flv " +
                   shell_quote(out));
  REQUIRE_MESSAGE(r.code == 0, r.output);
  auto rep = probe_media(out);
  fs::remove_all(dir);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(!rep->video.present());
  CHECK(rep->audio.sample_rate == 48000);
  CHECK(rep->audio.channels == 1);
  REQUIRE(rep->audio_rms.size() >= 2);
  CHECK(rep->audio_rms[0] < 0.01);
  CHECK(rep->audio_rms[1] > 0.3);
}

TEST_CASE("probe: decoded frames get thumbnails that say which loop they came from") {
  const auto& fx = fixtures();
  auto rep = probe_media(fx.flv, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  REQUIRE(rep->thumbs.size() == 90);
  REQUIRE(rep->thumb_pts.size() == 90);
  REQUIRE(rep->luma.size() == 90);
  for (size_t i = 1; i < rep->thumb_pts.size(); ++i) CHECK(rep->thumb_pts[i] > rep->thumb_pts[i - 1]);  // output order
  double thumb_mean = 0;
  for (uint8_t p : rep->thumbs[0]) thumb_mean += p / 64.0;
  CHECK(rep->luma[0] > 16);
  CHECK(rep->luma[0] < 235);
  CHECK(std::abs(rep->luma[0] - thumb_mean) < 4);  // the mean of a good thumbnail is the frame's mean

  // Reference loops scaled to the recording's size, as the engine does before encoding.
  auto ta = loop_thumbs(fx.clip_a, 320, 240, 30);
  auto tb = loop_thumbs(fx.clip_b, 320, 240, 30);
  REQUIRE_MESSAGE(ta, (ta ? "" : ta.error()));
  REQUIRE_MESSAGE(tb, (tb ? "" : tb.error()));
  CHECK(ta->size() == 30);
  CHECK(tb->size() == 30);
  double d = 0;
  // testsrc2 changes over time; frames within the 1 s reference clip match the recording's first second.
  for (int i : {0, 10, 29}) {
    CHECK(classify(rep->thumbs[i], {*ta, *tb}, &d) == 0);
    CHECK(d < 6);
    CHECK(classify(rep->thumbs[i], {*tb, *ta}) == 1);  // the index follows the list order
  }
  CHECK(thumb_distance((*ta)[0], (*tb)[0]) > 20);  // the two loops really are far apart
  // The mandelbrot clip's own frames classify as that clip, also at its native size.
  auto tb_native = loop_thumbs(fx.clip_b, 5);
  REQUIRE(tb_native);
  CHECK(tb_native->size() == 5);
  CHECK(classify((*tb_native)[2], {*ta, *tb}) == 1);
}

TEST_CASE("probe: thumbnail helpers and bad inputs") {
  Thumb zero{}, ten{};
  ten.fill(10);
  CHECK(thumb_distance(zero, zero) == 0);
  CHECK(thumb_distance(zero, ten) == 10);
  CHECK(classify(zero, {}) == -1);
  CHECK(classify(zero, {{ten}, {zero}}) == 1);

  auto missing = probe_media("/nonexistent/x.flv");
  CHECK(!missing);
  CHECK(missing.error().find("/nonexistent/x.flv") != std::string::npos);
  CHECK(!probe_media(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/corrupt.mp4"));
  CHECK(!loop_thumbs("/nonexistent/a.mp4", 8));
  // Audio only: no video to take thumbnails from.
  CHECK(!loop_thumbs(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/tone_3s.mp3", 8));
}

namespace {
StreamReport with_dts(std::vector<double> dts) {
  StreamReport s;
  s.dts = std::move(dts);
  return s;
}
}  // namespace

TEST_CASE("missing_frames: whole frame steps counted, anything else is no answer (never a number that compares equal)") {
  CHECK(missing_frames(with_dts({}), 30) == std::optional<int64_t>(0));
  CHECK(missing_frames(with_dts({0.0}), 30) == std::optional<int64_t>(0));
  CHECK(missing_frames(with_dts({0.0, 1 / 30.0, 2 / 30.0, 3 / 30.0}), 30) == std::optional<int64_t>(0));
  // FLV keeps milliseconds: 33 and 34 ms steps are one frame each at 30 fps.
  CHECK(missing_frames(with_dts({0.0, 0.033, 0.067, 0.100, 0.133}), 30) == std::optional<int64_t>(0));
  CHECK(missing_frames(with_dts({0.0, 0.033, 0.133, 0.167}), 30) == std::optional<int64_t>(2));  // 100 ms: two left out
  CHECK(missing_frames(with_dts({0.0, 0.040, 0.200, 0.240}), 25) == std::optional<int64_t>(3));
  // Not a whole number of frames, backwards, a repeat, a missing DTS, no rate: no answer at all.
  const auto half = missing_frames(with_dts({0.0, 0.033, 0.050}), 30);
  const auto back = missing_frames(with_dts({0.0, 0.067, 0.033}), 30);
  CHECK_FALSE(half.has_value());
  CHECK_FALSE(back.has_value());
  CHECK_FALSE(missing_frames(with_dts({0.0, 0.033, 0.033}), 30).has_value());
  CHECK_FALSE(missing_frames(with_dts({0.0, NAN, 0.067}), 30).has_value());
  CHECK_FALSE(missing_frames(with_dts({0.0, 0.033}), 0).has_value());
  // The old -1 == -1 trap: a caller comparing two failures must not see agreement. Callers REQUIRE
  // a value first; a failure never equals a real count, 0 included.
  CHECK(half != std::optional<int64_t>(0));
  CHECK(half != std::optional<int64_t>(-1));
}

TEST_CASE("keyframe_near: a keyframe strictly within the tolerance, on either side") {
  StreamReport v;
  CHECK_FALSE(keyframe_near(v, 0, 1));  // no keyframes at all
  v.keyframes = {0.0, 2.0, 4.0};
  CHECK(keyframe_near(v, 2.0, 0.1));
  CHECK(keyframe_near(v, 2.09, 0.1));
  CHECK(keyframe_near(v, 1.91, 0.1));
  CHECK_FALSE(keyframe_near(v, 2.2, 0.1));
  CHECK_FALSE(keyframe_near(v, 1.0, 0.5));  // halfway between two: neither is near
  CHECK_FALSE(keyframe_near(v, 2.5, 0.5));  // exactly the tolerance away is not within it
  CHECK(keyframe_near(v, 4.4, 0.5));
  CHECK_FALSE(keyframe_near(v, 5.0, 0.5));  // after the last
}

TEST_CASE("loop_runs: consecutive frames of one loop make one run that starts at its first frame") {
  Thumb dark{}, bright{}, darkish{}, brightish{};
  bright.fill(200);
  darkish.fill(12);
  brightish.fill(190);
  const std::vector<std::vector<Thumb>> loops{{dark}, {bright}};
  MediaReport rep;
  CHECK(loop_runs(rep, loops).empty());  // no frames, no runs
  rep.thumbs = {dark, darkish, bright, brightish, brightish, dark};
  rep.thumb_pts = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5};
  const auto runs = loop_runs(rep, loops);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0] == std::pair<int, double>(0, 0.0));
  CHECK(runs[1] == std::pair<int, double>(1, 0.2));
  CHECK(runs[2] == std::pair<int, double>(0, 0.5));
  // The index follows the order of `loops`.
  const auto swapped = loop_runs(rep, {{bright}, {dark}});
  REQUIRE(swapped.size() == 3);
  CHECK(swapped[0].first == 1);
  CHECK(swapped[1].first == 0);
  // No reference loops: every frame is unclassified (-1), one run.
  const auto none = loop_runs(rep, {});
  REQUIRE(none.size() == 1);
  CHECK(none[0] == std::pair<int, double>(-1, 0.0));
}

TEST_CASE("probe: decoding counts decoder errors, zero for a clean recording and not for a damaged one") {
  const auto& fx = fixtures();
  auto clean = probe_media(fx.flv, true, true);
  REQUIRE_MESSAGE(clean, (clean ? "" : clean.error()));
  CHECK_MESSAGE(clean->video.decode_errors == 0, clean->video.first_decode_error);
  CHECK_MESSAGE(clean->audio.decode_errors == 0, clean->audio.first_decode_error);

  // The same stream with bytes of its video packets overwritten (timestamps and container intact):
  // only decoding can tell.
  TempDir dir("loopcast-probe-noise");
  const std::string damaged = dir.path + "/damaged.flv";
  auto r = run_cmd("ffmpeg -nostdin -y -v error -i " + shell_quote(fx.flv) + " -c copy -bsf:v noise=amount=200 -f flv " + shell_quote(damaged));
  REQUIRE_MESSAGE(r.code == 0, r.output);
  auto rep = probe_media(damaged, true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);  // the timestamps alone look fine
  CHECK(rep->video.decode_errors > 0);
  CHECK(!rep->video.first_decode_error.empty());
  MESSAGE("damaged: " << rep->video.decode_errors << " decode errors, first " << rep->video.first_decode_error);
  CHECK(rep->audio.decode_errors == 0);  // the audio was not touched
  // Not asked to decode: nothing counted.
  auto undecoded = probe_media(damaged, false, false);
  REQUIRE(undecoded);
  CHECK(undecoded->video.decode_errors == 0);
}
