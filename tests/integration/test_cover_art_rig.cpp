// Issue 6, cover art: the webhook's song.art goes on air beside the title, inside the running RTMP
// session, and a song whose art cannot be fetched shows its text only (never the last song's art).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/image_server.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {
std::string webhook(int sh_id, const std::string& title, const std::string& art) {
  return R"({"now_playing":{"sh_id":)" + std::to_string(sh_id) + R"(,"song":{"artist":"Air","title":")" + title + R"(","art":")" + art +
         R"("}},"is_online":true})";
}
// The 8x8 thumbnail cells (80x45 px at 640x360) wholly inside a 160 px art square at x 24..184,
// y 176..336: column 1, rows 4..6.
bool art_white(const Thumb& t) { return t[4 * 8 + 1] > 215 && t[5 * 8 + 1] > 215 && t[6 * 8 + 1] > 215; }
}  // namespace

TEST_CASE("cover art from the webhook appears in the corner of the live stream and leaves with its song") {
  Rig rig;
  ImageServer images;
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "b.mp4", "--loops-dir", rig.loops_dir(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("art"),
               "--duration", "12", "--http-port", std::to_string(port), "--size", "640x360", "--vbitrate", "800k", "--overlay", "true",
               "--overlay-size", "24", "--overlay-art", "true", "--overlay-art-size", "160"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["video_frames"].GetUint64() > 0; }, 15), lc.log());
  const auto on_air = Clock::now();

  // Sent at wall-clock offsets, judged in stream time: the stream's position (status
  // output_seconds) when each webhook went out is what the recording is compared with.
  std::this_thread::sleep_until(on_air + std::chrono::seconds(3));
  const double asked1 = media_time(cli);
  auto r = cli.Post("/webhook/azuracast", webhook(1, "Sexy Boy", images.url("/white.png")), "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  CHECK(wait_for([&] { return images.hits() == 1; }, 3));
  std::this_thread::sleep_until(on_air + std::chrono::seconds(7));
  const double asked2 = media_time(cli);
  r = cli.Post("/webhook/azuracast", webhook(2, "Kelly Watch the Stars", images.url("/missing")), "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  REQUIRE_MESSAGE(lc.wait(15) == 0, lc.log());
  CHECK(lc.log().find("cover art " + images.url("/missing")) != std::string::npos);
  CHECK(lc.log().find("404") != std::string::npos);
  CHECK(lc.log().find("the song shows its text only") != std::string::npos);

  REQUIRE(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one RTMP session throughout
  auto rep = probe_media(recs[0], /*decode_video=*/true);
  REQUIRE_MESSAGE(rep, rep.error());
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK_MESSAGE(rep->audio.decode_errors == 0, rep->audio.first_decode_error);
  CHECK(rep->video.dts_monotonic);
  REQUIRE(rep->thumbs.size() > 300);
  // Frame by frame: no art, then the white art for the first song (~4 s), then no art again.
  size_t first = rep->thumbs.size(), last = 0, white = 0;
  for (size_t i = 0; i < rep->thumbs.size(); ++i)
    if (art_white(rep->thumbs[i])) {
      first = std::min(first, i);
      last = i;
      ++white;
    }
  REQUIRE_MESSAGE(white > 0, "the art never appeared");
  const double t0 = rep->thumb_pts[0];  // stream time 0: the first frame
  const double shown_from = rep->thumb_pts[first] - t0, shown_to = rep->thumb_pts[last] - t0;
  MESSAGE("art shown " << shown_from << " .. " << shown_to << " s; webhooks at " << asked1 << " and " << asked2 << " s (stream time)");
  CHECK(white == last - first + 1);                     // one unbroken run
  CHECK(shown_from >= asked1 - 0.04);                   // not before its webhook...
  CHECK(shown_from < asked1 + 1.5);                     // ...and promptly after it
  CHECK(shown_to >= asked2 - 0.5);                      // on every frame of its song
  CHECK(shown_to < asked2 + 1.5);                       // gone with the next song
  CHECK(shown_to < rep->thumb_pts.back() - t0 - 1.0);
}
