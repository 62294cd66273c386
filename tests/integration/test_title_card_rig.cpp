// Issue 22, title cards composed ahead on the real rig: in splice mode with a logo, an AzuraCast
// webhook's song gets "Artist – Title" / "Album · Up next: …" drawn over the first seconds of its
// loop — composed and encoded off-air while the switch waits its delay — and the stream stays one
// session with one sequence header, decodes with -xerror, the band differs from the loop during
// the card and equals it after, and the logo stays in place throughout.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/logo_probe.hpp"
#include "tests/support/picture_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/sequence_headers.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
constexpr int kFps = 30;
constexpr int kCardFrames = 3 * kFps;   // --title-card 3
constexpr int kSegment = 120;           // 90 frames rounded up to the loop's IDR at 120 (GOP 60)
constexpr Rect kBand{220, 138, 90, 22};  // right part of the 320x180 card band, clear of its text
constexpr Rect kTop{120, 40, 180, 70};   // the picture above the band, clear of the logo
constexpr uint8_t kCyan[3] = {0, 255, 255};
constexpr Rect kLogo{10, 10, 24, 20};    // inside the 64x32 logo, top-left
}  // namespace

TEST_CASE("title card in splice mode: composed ahead, one session, the band over its seconds only, the logo throughout") {
  Rig rig;
  const TempDir tmp("card-rig");
  const std::string logo = tmp.path + "/logo.png";
  REQUIRE(write_png(logo, 64, 32, solid_with_hole(64, 32, kCyan, {0, 0, 0, 0})));
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "400k", "--cache-dir", tmp.path + "/cache",
                                         "--logo", logo, "--logo-position", "top-left", "--logo-size", "64"};
  std::vector<std::string> prep{LOOPCAST_BINARY, "prepare", "--loop", rig.loop_a(), "--loops-dir", tmp.path + "/no-loops"};
  prep.insert(prep.end(), profile.begin(), profile.end());
  KilledAtExit preparing(spawn(prep, tmp.path + "/prepare.log"));
  REQUIRE_MESSAGE(wait_exit(preparing.pid, 120) == 0, read_text(tmp.path + "/prepare.log"));
  preparing.pid = -1;

  const int port = free_tcp_port();
  std::vector<std::string> args{"--video-mode", "splice", "--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--output",
                                rig.rtmp_url("lowerthird"), "--duration", "16", "--http-port", std::to_string(port),
                                "--title-card", "3", "--switch-delay", "3"};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  REQUIRE(wait_for([&] { return media_time(cli) > 2; }, 10));
  auto hook = cli.Post("/webhook/azuracast", read_text(fixture("azuracast_song_a.json")), "application/json");
  REQUIRE(hook);
  CHECK(hook->status == 202);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["title_cards"]["shown"].GetUint64() >= 1; }, 10), lc.log());
  auto st = status(cli);
  CHECK(std::string(st["video_mode"].GetString()) == "splice");  // the card does not force encoding
  CHECK(st["title_cards"]["late"].GetUint64() == 0);             // composed within the 3 s delay
  CHECK(st["title_cards"]["skipped"].GetUint64() == 0);
  CHECK(st["title_cards"]["last_prepare_s"].GetDouble() > 0);
  auto metrics = cli.Get("/metrics");
  REQUIRE(metrics);
  CHECK_MESSAGE(metrics->body.find("loopcast_title_cards_shown_total{stream=\"main\"} 1") != std::string::npos, metrics->body);
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  REQUIRE(rig.wait_recordings_closed());
  CHECK_MESSAGE(lc.log().find("title card for 'Daft Punk \u2013 One More Time' composed") != std::string::npos, lc.log());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one RTMP session
  auto rep = probe_media(recs[0], false, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
  CHECK(changed_sequence_headers(recs[0]) == 0);
  auto clean = run_cmd(fmt::format("ffmpeg -nostdin -v error -xerror -i {} -f null - 2>&1", shell_quote(recs[0])));
  CHECK_MESSAGE(clean.code == 0, clean.output);
  CHECK_MESSAGE(clean.output.empty(), clean.output);

  // The card starts on the loop's frame 0: find it among the output frames after the song
  // (the loop itself passes its frame 0 only at 0 s and 10 s), then compare frame by frame.
  std::vector<int> out_idx, loop_idx;
  for (int n = 4 * kFps; n < 15 * kFps; ++n) out_idx.push_back(n);
  for (int i = 0; i < kSegment + 30; ++i) loop_idx.push_back(i);
  auto out = decode_pictures(recs[0], out_idx);
  auto loop = decode_pictures(rig.loop_a(), loop_idx, 320, 180);
  REQUIRE_MESSAGE(out, out.error());
  REQUIRE_MESSAGE(loop, loop.error());
  auto top_diff = [&](int n, int i) { return luma_change((*out)[n].get(), (*loop)[i].get(), kTop); };
  int start = -1;
  double best = 1e9;
  for (int n = 4 * kFps; n + kSegment + 30 < 15 * kFps; ++n) {
    double sum = 0;
    for (int i = 0; i < 10; ++i) sum += top_diff(n + i, i);
    if (sum < best) best = sum, start = n;
  }
  CAPTURE(start);
  REQUIRE_MESSAGE(best / 10 < 8, "no output frame run matches the loop's first frames: " << best / 10);
  CHECK(start > 5 * kFps - 15);  // after the song's 3 s delay, not before
  for (int i = 0; i < kSegment + 30; i += 3) {
    CAPTURE(i);
    const AVFrame* o = (*out)[start + i].get();
    const AVFrame* l = (*loop)[i].get();
    CHECK(luma_change(o, l, kTop) < 10);  // the loop's own picture, frame for frame
    CHECK(mean_yuv(o, kLogo).y > 150);    // the logo (cyan, Y 188) in place, card or not
    if (i < kCardFrames - 3) CHECK(mean_yuv(o, kBand).y < mean_yuv(l, kBand).y - 15);  // the band darkens it
    if (i >= kCardFrames + 3) CHECK(luma_change(o, l, kBand) < 10);                   // and is gone after
  }
}
