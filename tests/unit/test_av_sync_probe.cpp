// The A/V sync probe itself (issue 26): the rig's sync test trusts where it says a click is heard
// and a flash is seen, so each finder is checked against inputs whose answer is known.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/av_sync_probe.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast::test;

TEST_CASE("sync probe: a click is found at its very sample, once, and nothing else is a click") {
  std::vector<float> x(100000, 0.f);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.2f * static_cast<float>(std::sin(i * 0.3));  // music-like bed below the level
  const auto track = click_track(100000, 12345, 50000, 882, 0.9f);
  for (size_t i = 0; i < x.size(); ++i)
    if (track[i] != 0.f) x[i] = track[i];
  const auto on = click_onsets(x, 0.45f, 2000);
  REQUIRE(on.size() == 2);
  CHECK(on[0] == 12345);  // not 12346: the burst starts on its peak
  CHECK(on[1] == 62345);
  // The burst's own zero crossings are not new clicks only thanks to the quiet it asks for:
  CHECK(click_onsets(x, 0.45f, 1).size() > 100);
  // and a click too soon after the start (or the last one) is not one.
  std::vector<float> early(3000, 0.f);
  early[100] = 1.f;
  CHECK(click_onsets(early, 0.45f, 2000).empty());  // only 100 quiet samples before it
  CHECK(click_onsets(std::vector<float>(5000, 0.44f), 0.45f, 10).empty());
  // Negative onsets count: a click is loud either way.
  std::vector<float> neg(5000, 0.f);
  neg[4000] = -0.5f;
  REQUIRE(click_onsets(neg, 0.45f, 1000).size() == 1);
  CHECK(click_onsets(neg, 0.45f, 1000)[0] == 4000);
}

TEST_CASE("sync probe: a flash is found at its very frame, once, and only after dark frames") {
  std::vector<int> lit(120, 3);  // a little noise, below the level
  lit[40] = 500;
  lit[41] = 200;  // the flash lasts two frames: one flash
  lit[90] = 60;
  const auto f = flash_frames(lit, 50, 5);
  REQUIRE(f.size() == 2);
  CHECK(f[0] == 40);
  CHECK(f[1] == 90);
  std::vector<int> at_start(20, 0);
  at_start[2] = 500;  // nothing says it was dark before: not a flash
  CHECK(flash_frames(at_start, 50, 5).empty());
  CHECK(flash_frames(std::vector<int>(50, 49), 50, 1).empty());
}

TEST_CASE("sync probe: the expected frame is the first after the click, and a missing answer never passes for one") {
  const std::vector<double> pts{0.0, 0.033, 0.067, 0.100, 0.133};
  CHECK(first_frame_after(pts, 0.050) == std::optional<size_t>(2));
  CHECK(first_frame_after(pts, 0.067) == std::optional<size_t>(3));  // strictly after: the frame at the click's time drew up to it
  CHECK(first_frame_after(pts, -1.0) == std::optional<size_t>(0));
  const auto none = first_frame_after(pts, 0.2);
  CHECK(!none);
  CHECK(none != std::optional<size_t>(0));
  CHECK(none != std::optional<size_t>(pts.size() - 1));

  // 30 fps frames; clicks at 0.500 s (expected frame 16 at 0.533 s) and 1.210 s (frame 37 at 1.233 s).
  std::vector<double> frames;
  for (int i = 0; i < 90; ++i) frames.push_back(i / 30.0);
  const auto m = match_clicks({0.500, 1.210, 2.0}, {16, 39}, frames, 0.4);
  REQUIRE(m.size() == 3);
  REQUIRE(m[0].frame_error);
  CHECK(*m[0].expected == 16);
  CHECK(*m[0].flash == 16);
  CHECK(*m[0].frame_error == 0);
  CHECK(*m[0].offset == doctest::Approx(1 / 30.0));
  REQUIRE(m[1].frame_error);
  CHECK(*m[1].expected == 37);
  CHECK(*m[1].frame_error == 2);  // two frames late: the rig test must see it
  CHECK(*m[1].offset == doctest::Approx(39 / 30.0 - 1.210));
  // A click with no flash near it: no offset, no error, and neither equals a real one.
  CHECK(!m[2].flash);
  CHECK(!m[2].offset);
  CHECK(!m[2].frame_error);
  CHECK(m[2].frame_error != std::optional<int64_t>(0));
  CHECK(m[2].offset != std::optional<double>(0.0));
  // A click after the last frame has no expected frame, so no error either (even with a flash).
  const auto late = match_clicks({2.99}, {89}, frames, 0.4);
  CHECK(late[0].flash == std::optional<size_t>(89));
  CHECK(!late[0].expected);
  CHECK(!late[0].frame_error);
}

TEST_CASE("sync probe: frame times from millisecond timestamps: the rate, and the grid they were rounded from") {
  // 30 fps from 0.0667 s, rounded to the millisecond as FLV keeps them, frames 100 and 101 dropped.
  std::vector<double> pts, truth;
  for (int k = 0; k < 300; ++k) {
    if (k == 100 || k == 101) continue;
    truth.push_back(0.0667 + k / 30.0);
    pts.push_back(std::round(truth.back() * 1000) / 1000);
  }
  const double fps = frame_rate_of(pts);
  CHECK(fps == doctest::Approx(30).epsilon(0.001));  // not 1000/33 = 30.3, not bent by the gap
  const FrameGrid g = fit_frame_grid(pts, fps, 0.002);
  REQUIRE(g.time.size() == pts.size());
  CHECK(1 / g.period == doctest::Approx(30).epsilon(1e-5));
  double worst = 0;
  for (size_t i = 0; i < truth.size(); ++i) worst = std::max(worst, std::abs(g.time[i] - truth[i]));
  CHECK(worst < 0.0002);  // the rounding (up to 0.5 ms) averaged out
  CHECK(g.time[100] - g.time[99] == doctest::Approx(3 / 30.0));  // the gap stays a gap
  // A frame off the grid by 5 ms: no grid, rather than a wrong one.
  pts[150] += 0.005;
  CHECK(fit_frame_grid(pts, fps, 0.002).time.empty());
  CHECK(fit_frame_grid(pts, 0, 0.002).time.empty());
  CHECK(frame_rate_of({1.0}) == 0);
}

TEST_CASE("sync probe: decoding puts a WAV click at its sample's time") {
  TempDir dir("loopcast-sync-probe");
  const std::string wav = dir.path + "/clicks.wav";
  REQUIRE(write_wav(wav, click_track(3 * 44100, 30000, 44100, 441, 0.9f), 44100));
  auto rec = decode_for_sync(wav, {});
  REQUIRE_MESSAGE(rec, (rec ? "" : rec.error()));
  CHECK(rec->audio.rate == 44100);
  CHECK(rec->audio.samples.size() == 3 * 44100);
  CHECK(rec->video.pts.empty());
  const auto on = click_onsets(rec->audio.samples, 0.45f, 4410);
  REQUIRE(on.size() == 3);
  CHECK(on[0] == 30000);
  CHECK(on[2] == 30000 + 2 * 44100);
  CHECK(rec->audio.time_of(on[1]) == doctest::Approx((30000.0 + 44100) / 44100).epsilon(1e-9));
}

TEST_CASE("sync probe: in an FLV whose click and flash coincide (AAC, H.264), they are found together") {
  // The ffmpeg CLI as an independent muxer: a 20 ms burst at exactly 1.5 s and a white upper half
  // on frame 45 (1.5 s at 30 fps) only.
  TempDir dir("loopcast-sync-probe");
  const std::string flv = dir.path + "/flash.flv";
  const auto r = run_cmd(fmt::format(
      "ffmpeg -nostdin -y -v error -f lavfi -i \"color=c=black:s=320x180:r=30:d=3,format=yuv420p,"
      "drawbox=x=0:y=0:w=320:h=90:c=white:t=fill:enable='eq(n,45)'\" "
      "-f lavfi -i \"aevalsrc='0.9*cos(2*PI*5512.5*(t-1.5))*between(t,1.5,1.5199)':s=44100:d=3\" "
      "-c:v libx264 -preset veryfast -g 30 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 -f flv {}",
      shell_quote(flv)));
  REQUIRE_MESSAGE(r.code == 0, r.output);
  auto rec = decode_for_sync(flv, {0, 0, 320, 90, 200});
  REQUIRE_MESSAGE(rec, (rec ? "" : rec.error()));
  CHECK(rec->video.fps == doctest::Approx(30).epsilon(0.001));
  REQUIRE(rec->video.pts.size() == 90);
  REQUIRE(rec->video.time.size() == 90);
  const auto flashes = flash_frames(rec->video.lit, 1000, 3);
  REQUIRE(flashes.size() == 1);
  CHECK(flashes[0] == 45);
  const auto on = click_onsets(rec->audio.samples, 0.45f, 4410);
  REQUIRE(on.size() == 1);
  const double click = rec->audio.time_of(on[0]);
  const double flash = rec->video.time[flashes[0]];
  MESSAGE(fmt::format("click at {:.4f} s, flash at {:.4f} s (recording time)", click, flash));
  // The muxer may shift both streams alike (AAC priming); the two stay together to the
  // millisecond FLV keeps, plus the AAC coder's smear of the onset.
  CHECK(std::abs(flash - click) < 0.002);
}
