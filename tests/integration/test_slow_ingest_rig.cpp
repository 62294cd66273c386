// README: "An ingest that falls behind loses video, never audio: past 2 s of queued video it drops
// non-reference frames, past 4 s it skips to the newest queued keyframe ..., and only past 10 s of
// queued audio does it drop the whole queue". End to end: the RTMP ingest behind a proxy that
// carries 40 kB/s (the audio fits, 1.5 Mbit/s of video does not).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/throttle_proxy.hpp"

using namespace loopcast::test;

namespace {
// A number from the one output's status; a failed request or a missing field fails the test.
double output_number(httplib::Client& cli, const char* key) {
  auto d = status(cli);
  REQUIRE_MESSAGE((d.IsObject() && d.HasMember("outputs") && d["outputs"].IsArray() && d["outputs"].Size() == 1), "no status");
  const auto& o = d["outputs"][0];
  REQUIRE_MESSAGE((o.HasMember(key) && o[key].IsNumber()), "output status has no " << key);
  return o[key].GetDouble();
}
}  // namespace

// The first tier is the non-reference frames (read from the slice headers: libx264 through
// libavcodec never flags them disposable); it must fire before anything else is given up.
TEST_CASE("a slow ingest loses video, never audio: the backlog is bounded and the recording decodes cleanly") {
  Rig rig;
  ThrottleProxy slow(rig.rtmp_port(), 40'000);
  const int port = free_tcp_port();
  Loopcast lc({"--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--output", "rtmp://127.0.0.1:" + std::to_string(slow.port()) + "/live/slow",
               "--http-port", std::to_string(port), "--size", "640x360", "--vbitrate", "1500k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  // The queue grows past 2 s of video within seconds: the policy starts with non-reference frames.
  auto outputs = [&] {
    auto r = cli.Get("/api/v1/status");
    const std::string b = r ? r->body : "";
    const auto at = b.find("\"outputs\"");
    return at == std::string::npos ? b : b.substr(at, 400);
  };
  // The queue grows past the video limits within seconds (the kernel's socket buffers first).
  REQUIRE_MESSAGE(wait_for([&] { return output_number(cli, "dropped_packets") > 0; }, 40), outputs());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const double disposable = output_number(cli, "dropped_disposable_packets");
  const double dropped = output_number(cli, "dropped_packets");
  const double backlog = output_number(cli, "backlog_seconds");
  MESSAGE("dropped " << dropped << " packets (" << disposable << " non-reference frames), backlog " << backlog << " s");
  CHECK(output_number(cli, "dropped_audio_packets") == 0);  // audio is never dropped below 10 s queued
  CHECK(dropped >= disposable);
  CHECK(disposable > 0);  // the cheapest tier fired: leaves went before whole GOPs
  CHECK(backlog < 10);  // bounded: the policy keeps it near its video limits
  CHECK(str(status(cli)["outputs"][0]["state"]) == "live");  // slow, not failed: never reconnected
  CHECK(status(cli)["outputs"][0]["attempt"].GetInt() == 0);

  // The uplink recovers: the queue drains, nothing more is dropped.
  slow.set_rate(50e6);
  CHECK(wait_for([&] { return output_number(cli, "backlog_seconds") < 0.5; }, 15));
  CHECK(output_number(cli, "dropped_audio_packets") == 0);
  CHECK(lc.terminate() == 0);
  REQUIRE(rig.wait_recordings_closed());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one session: slowness is not a disconnect
  auto rep = probe_media(recs[0], true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  // Audio: every frame there, in order.
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK(rep->audio.max_dts_gap <= 1024.0 / 44100 + 0.002);
  CHECK_MESSAGE(rep->audio.decode_errors == 0, rep->audio.first_decode_error);
  // Video: frames are missing, but only ones nothing else decodes from (or whole GOPs up to a keyframe).
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  const auto gap = missing_frames(rep->video, 30);
  REQUIRE_MESSAGE(gap, "a DTS step is not a whole number of frames");
  CHECK(*gap > 0);  // video was dropped...
  CHECK(static_cast<double>(*gap) >= dropped * 0.5);  // ...about as much as status said (a packet is a frame, audio none)
}
