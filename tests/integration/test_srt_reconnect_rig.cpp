// An SRT output whose peer goes away and comes back (issue 28): srt-live-transmit, the listener,
// is killed mid-stream; the output notices (libsrt's peer idle timeout), reconnects with the output
// backoff like an RTMP ingest, and the listener started again on the same port gets a clean stream
// from a keyframe, while the RTMP output beside it stays one session.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

namespace {
pid_t srt_listener(int port, const std::string& pass, const std::string& rec, const std::string& log) {
  return spawn({"sh", "-c", "exec srt-live-transmit -q \"srt://:" + std::to_string(port) + "?mode=listener&passphrase=" + pass +
                                "\" file://con > " + shell_quote(rec)},
               log);
}
}  // namespace

TEST_CASE("srt output: the listener dies and comes back, the output reconnects with backoff and the new session is clean") {
  Rig rig;
  TempDir work("loopcast-srt-reconnect");
  const int srt_port = free_tcp_port(), port = free_tcp_port();
  const std::string pass = "srt-reconnect-pass-0815";
  const std::string rec1 = work.path + "/first.ts", rec2 = work.path + "/second.ts";
  KilledAtExit first(srt_listener(srt_port, pass, rec1, work.path + "/first.log"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int seconds = 30;
  Loopcast lc({"--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("srt-reconnect-beside"), "--output",
               "srt://127.0.0.1:" + std::to_string(srt_port) + "?passphrase=" + pass + "&latency=200000", "--duration",
               std::to_string(seconds), "--http-port", std::to_string(port), "--size", "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  auto srt = [&](const char* field) -> std::string {
    auto d = status(cli);
    if (!d.IsObject() || !d["outputs"].IsArray() || d["outputs"].Size() != 2) return "";
    const auto& v = d["outputs"][1][field];
    return v.IsString() ? v.GetString() : v.IsInt() ? std::to_string(v.GetInt()) : "";
  };
  REQUIRE_MESSAGE(wait_for([&] { return srt("state") == "live" && media_time(cli) >= 5; }, 20), lc.log());

  // The listener dies: no goodbye, as a crashed or rebooted server.
  send_signal(first.pid, SIGKILL);
  wait_exit(first.pid, 5);
  first.pid = -1;
  REQUIRE_MESSAGE(wait_for([&] { return srt("state") == "reconnecting"; }, 12), lc.log());
  // Calls into the void are retried with the output backoff (each SRT call times out after 3 s).
  REQUIRE_MESSAGE(wait_for([&] { return std::stoi("0" + srt("attempt")) >= 2; }, 15), lc.log());
  CHECK(!srt("last_error").empty());
  CHECK(srt("last_error").find(pass) == std::string::npos);
  CHECK(str(status(cli)["outputs"][0]["state"]) == "live");

  const double back_at = media_time(cli);
  KilledAtExit second(srt_listener(srt_port, pass, rec2, work.path + "/second.log"));
  REQUIRE_MESSAGE(wait_for([&] { return srt("state") == "live" && srt("reconnects") == "1"; }, 15), lc.log());
  const double live_again_at = media_time(cli);
  MESSAGE("listener back at " << back_at << " s of media, SRT live again at " << live_again_at << " s");
  CHECK(live_again_at - back_at < 12);  // the next attempt at most one backoff step later

  REQUIRE_MESSAGE(lc.wait(60) == 0, lc.log());
  CHECK(lc.log().find(pass) == std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop_process(second.pid, 3);
  second.pid = -1;

  // Before the drop and after the return: each a clean stream on its own timeline.
  for (const std::string& rec : {rec1, rec2}) {
    CAPTURE(rec);
    auto rep = probe_media(rec, true, true);
    REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
    CHECK(rep->video.codec == "h264");
    CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
    CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
    // The first listener was killed mid-write: its file may end in half a packet (refused only at
    // the decoder's flush). Anything before that, and the whole second file, decode clean.
    const bool cut_tail = rec == rec1 && rep->video.first_decode_error.rfind("flush:", 0) == 0;
    CHECK_MESSAGE((rep->video.decode_errors == 0 || cut_tail), rep->video.first_decode_error);
    CHECK(rep->video.end - rep->video.start > 3);
  }
  auto after = probe_media(rec2, true, true);
  REQUIRE(after);
  CHECK(after->video.end - after->video.start > seconds - live_again_at - 2.5);  // from the reconnect to the end

  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // RTMP never noticed
  auto flv = probe_media(recs[0], false, true);
  REQUIRE_MESSAGE(flv, (flv ? "" : flv.error()));
  CHECK(flv->duration == doctest::Approx(seconds).epsilon(0.05));
  CHECK_MESSAGE(flv->video.dts_monotonic, flv->video.first_violation);
}
