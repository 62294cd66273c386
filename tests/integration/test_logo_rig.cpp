// Issue 22, the station logo on the real rig: in splice mode it is baked into the cached loops, so
// the stream stays one session with one sequence header and decodes cleanly, the logo's colour
// in place every second, its transparent hole and the rest of the picture showing the moving
// loop; encode mode draws it on the same pixels.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/logo_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/sequence_headers.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
// A cyan 96x48 logo with a transparent 48x14 hole at (40, 2): top-left on a 320x180 picture it
// covers (6, 6)..(102, 54), the hole (46, 8)..(94, 22), over testsrc2's red and green bars.
constexpr uint8_t kCyan[3] = {0, 255, 255};
constexpr Rect kSolid{10, 30, 24, 20};       // inside the logo, away from the hole and the edges
constexpr Rect kHole{50, 10, 40, 10};        // inside the hole, away from its edges
constexpr Rect kOutside{120, 60, 200, 120};  // the picture away from the logo
constexpr int kSeconds = 8;

// BT.709 limited-range cyan: Y 188, Cb 154, Cr 16.
bool near_cyan(const MeanYuv& m) { return std::abs(m.y - 188) < 14 && std::abs(m.u - 154) < 14 && std::abs(m.v - 16) < 14; }
bool near(const MeanYuv& a, const MeanYuv& b, double tolerance) {
  return std::abs(a.y - b.y) < tolerance && std::abs(a.u - b.u) < tolerance && std::abs(a.v - b.v) < tolerance;
}
bool cyan_at(const AVFrame* f, int x, int y) { return near_cyan(mean_yuv(f, Rect{x / 2 * 2, y / 2 * 2, 2, 2})); }

// Along row y from the left edge: where the first run of cyan begins and where it ends (the first
// column after it that is not cyan); -1 when there is none. Only the left half: testsrc2's own
// cyan bar is at the right.
struct Run {
  int begin = -1, end = -1;
};
Run cyan_run(const AVFrame* f, int y) {
  Run r;
  for (int x = 0; x < f->width / 2; x += 2) {
    const bool cyan = cyan_at(f, x, y);
    if (cyan && r.begin < 0) r.begin = x;
    if (!cyan && r.begin >= 0) return Run{r.begin, x};
  }
  return r;
}
}  // namespace

TEST_CASE("logo in splice mode: baked into the cached loops, one session, one sequence header, in place every second as encode draws it") {
  Rig rig;
  const TempDir tmp("logo-rig");
  const std::string logo = tmp.path + "/station.png";
  REQUIRE(write_png(logo, 96, 48, solid_with_hole(96, 48, kCyan, {40, 2, 48, 14})));
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "400k", "--cache-dir", tmp.path + "/cache", "--logo", logo,
                                         "--logo-position", "top-left", "--logo-size", "96"};
  std::vector<std::string> prep{"--loop", rig.loop_a()};
  prep.insert(prep.end(), profile.begin(), profile.end());
  prepare_loops(tmp.path + "/no-loops", prep, tmp.path + "/prepare.log");

  const int port = free_tcp_port();
  std::vector<std::string> args{"--video-mode", "splice", "--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--output",
                                rig.rtmp_url("logo"), "--duration", std::to_string(kSeconds + 1), "--http-port", std::to_string(port)};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  auto st = status(cli);
  REQUIRE(st.HasMember("logo"));
  CHECK(std::string(st["video_mode"].GetString()) == "splice");  // the logo does not force encoding
  CHECK(std::string(st["logo"]["file"].GetString()) == "station.png");
  CHECK(std::string(st["logo"]["position"].GetString()) == "top-left");
  CHECK(st["logo"]["width"].GetInt() == 96);
  CHECK(st["logo"]["height"].GetInt() == 48);
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  REQUIRE(rig.wait_recordings_closed());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one RTMP session
  check_one_clean_sequence(recs[0]);

  // The same logo drawn per frame by encode mode, for the same seconds of the same loop.
  const std::string encoded = tmp.path + "/encode.flv";
  std::vector<std::string> enc_args{"--video-mode", "encode", "--loop", rig.loop_a(), "--output", encoded, "--duration",
                                    std::to_string(kSeconds + 1), "--no-realtime", "--http-port", "0"};
  enc_args.insert(enc_args.end(), profile.begin(), profile.end());
  Loopcast enc(enc_args);
  REQUIRE_MESSAGE(enc.wait(60) == 0, enc.log());

  std::vector<int> every_second;
  for (int s = 0; s < kSeconds; ++s) every_second.push_back(s * 30 + 15);
  auto spliced = decode_pictures(recs[0], every_second);
  auto drawn = decode_pictures(encoded, every_second);
  auto loop = decode_pictures(rig.loop_a(), every_second, 320, 180);  // the loop alone (10 s: no wrap before 8 s)
  REQUIRE_MESSAGE(spliced, spliced.error());
  REQUIRE_MESSAGE(drawn, drawn.error());
  REQUIRE_MESSAGE(loop, loop.error());
  int picture_moves = 0;
  for (int s = 0; s < kSeconds; ++s) {
    CAPTURE(s);
    const AVFrame* a = (*spliced)[every_second[s]].get();
    const AVFrame* b = (*drawn)[every_second[s]].get();
    const MeanYuv solid = mean_yuv(a, kSolid), solid_drawn = mean_yuv(b, kSolid);
    CHECK_MESSAGE(near_cyan(solid), solid.y << " " << solid.u << " " << solid.v);
    CHECK_MESSAGE(near_cyan(solid_drawn), solid_drawn.y << " " << solid_drawn.u << " " << solid_drawn.v);
    CHECK(std::abs(solid.y - solid_drawn.y) < 6);
    CHECK(std::abs(solid.v - solid_drawn.v) < 6);
    // The hole is not the logo: the loop shows through it, in both modes.
    const MeanYuv hole = mean_yuv(a, kHole), hole_drawn = mean_yuv(b, kHole), hole_loop = mean_yuv((*loop)[every_second[s]].get(), kHole);
    CHECK_FALSE(near_cyan(hole));
    CHECK_MESSAGE(near(hole, hole_loop, 12), hole.y << " " << hole.u << " " << hole.v << " vs the loop's " << hole_loop.y);
    CHECK(near(hole_drawn, hole_loop, 12));
    // The same placement in both modes: the logo's outline on a solid row, and where its hole is.
    for (const AVFrame* f : {a, b}) {
      const Run solid_row = cyan_run(f, 40), hole_row = cyan_run(f, 14);
      CHECK(std::abs(solid_row.begin - 6) <= 2);
      CHECK(std::abs(solid_row.end - 102) <= 2);
      CHECK(std::abs(hole_row.begin - 6) <= 2);
      CHECK(std::abs(hole_row.end - 46) <= 2);
    }
    if (s > 0 && luma_change((*spliced)[every_second[s - 1]].get(), a, kOutside) > 3.0) ++picture_moves;
  }
  CHECK(picture_moves == kSeconds - 1);  // around the logo, the loop moves on
}
