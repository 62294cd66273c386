// The rig itself, before any loopcast test leans on it: the mount serves MP3, a publish to
// nginx-rtmp is recorded and probes as valid, and the outage helpers really take things down.
#include <doctest/doctest.h>
#include <httplib.h>

#include <string>

#include "tests/support/flv_probe.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

namespace {
// Bytes the mount sends within a second (it never ends, so the read is cut off).
size_t mount_bytes(const Rig& rig) {
  httplib::Client cli("127.0.0.1", rig.ice_port());
  cli.set_connection_timeout(1);
  cli.set_read_timeout(1);
  size_t got = 0;
  cli.Get("/radio.mp3", [&](const char*, size_t n) {
    got += n;
    return got < 16384;
  });
  return got;
}
}  // namespace

TEST_CASE("rig: icecast serves the mount, nginx-rtmp records a 2 s ffmpeg publish") {
  Rig rig;
  CHECK(rig.rtmp_url("smoke") == "rtmp://127.0.0.1:" + std::to_string(rig.rtmp_port()) + "/live/smoke");
  CHECK(mount_bytes(rig) >= 16384);
  CHECK(rig.set_title("Rig - Smoke"));
  CHECK(rig.stat_xml().find("<rtmp>") != std::string::npos);
  CHECK(rig.recordings().empty());

  auto pub = run_cmd("ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=s=640x360:r=30 -f lavfi -i sine=f=440 -t 2 "
                     "-c:v libx264 -preset veryfast -g 30 -pix_fmt yuv420p -c:a aac -ar 44100 -f flv " +
                     shell_quote(rig.rtmp_url("smoke")));
  REQUIRE_MESSAGE(pub.code == 0, pub.output);
  // nginx finishes the file when the session closes, a moment after the publisher exits.
  REQUIRE(wait_for([&] { return rig.recordings().size() == 1; }, 5));
  std::vector<std::string> recs;
  std::string error;
  REQUIRE(wait_for(
      [&] {
        recs = rig.recordings();
        auto r = probe_media(recs[0]);
        if (!r) error = r.error();
        return r && r->duration > 1.8;
      },
      5, 0.2));
  auto rep = probe_media(recs[0]);
  REQUIRE_MESSAGE(rep, error);
  CHECK(rep->video.codec == "h264");
  CHECK(rep->video.width == 640);
  CHECK(rep->video.height == 360);
  CHECK(rep->audio.codec == "aac");
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK(rep->duration == doctest::Approx(2.0).epsilon(0.1));
  CHECK(rep->video.max_keyframe_interval <= 1.01);
  REQUIRE(!rep->audio_rms.empty());
  CHECK(rep->audio_rms[0] > 0.05);

  // Outages: each helper takes its server down and brings it back serving.
  rig.stop_icecast();
  CHECK(!tcp_connects(rig.ice_port()));
  rig.start_icecast_again();
  CHECK(mount_bytes(rig) > 0);
  rig.stop_nginx();
  CHECK(!tcp_connects(rig.rtmp_port()));
  rig.start_nginx_again();
  CHECK(tcp_connects(rig.rtmp_port()));
}
