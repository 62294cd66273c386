// Several --output flags at once (README): one encode, each output with its own queue and
// reconnect, so a dead ingest never disturbs a live one.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

TEST_CASE("two outputs, one dead and one alive: the dead one retries on its own, the live one keeps one clean session") {
  Rig rig;
  const int dead = free_tcp_port();
  const int port = free_tcp_port();
  Loopcast lc({"--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("alive"), "--output",
               "rtmp://127.0.0.1:" + std::to_string(dead) + "/live/dead-key-77", "--duration", "12", "--http-port", std::to_string(port),
               "--size", "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  auto out_state = [&](unsigned i) {
    auto d = status(cli);
    return d.IsObject() && d["outputs"].IsArray() && d["outputs"].Size() == 2 ? std::string(d["outputs"][i]["state"].GetString()) : "";
  };
  REQUIRE_MESSAGE(wait_for([&] { return out_state(0) == "live"; }, 15), lc.log());
  // The dead ingest is retried again and again (its own backoff) while the live one stays live.
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["outputs"][1]["attempt"].GetInt() >= 3; }, 20), lc.log());
  auto d = status(cli);
  CHECK(std::string(d["outputs"][0]["state"].GetString()) == "live");
  CHECK(d["outputs"][0]["reconnects"].GetInt() == 0);
  CHECK(std::string(d["outputs"][1]["state"].GetString()) == "reconnecting");
  CHECK(std::string(d["outputs"][1]["last_error"].GetString()).find("Connection refused") != std::string::npos);
  CHECK(std::string(d["outputs"][1]["url"].GetString()).find("dead-key-77") == std::string::npos);  // redacted
  CHECK(d["outputs"][0]["bytes"].GetUint64() > 0);
  CHECK(d["outputs"][1]["bytes"].GetUint64() == 0);
  REQUIRE_MESSAGE(lc.wait(40) == 0, lc.log());
  CHECK(lc.log().find("dead-key-77") == std::string::npos);
  CHECK(rig.wait_recordings_closed());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // the live ingest saw one publish session, never a reconnect
  auto rep = probe_media(recs[0], false, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->duration == doctest::Approx(12).epsilon(0.05));
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  check_gaps_are_reported(rep->video, lc.log());  // the dead output cost the live one no frame
  CHECK(rep->video.keyframes.front() < 0.2);
}
