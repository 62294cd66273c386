// `loopcast run --azuracast URL --station X` on the real rig: the REST answer picks the loop of the
// very first frame, the live feed switches the next song, a misbehaving feed never touches the
// stream, and status.json shows the feed as "trigger".
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fake_azuracast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

TEST_CASE("--azuracast: the first frame shows the station's song — the live feed follows — a broken feed leaves the stream alone") {
  Rig rig;
  FakeAzuraCast az;
  az.play(FakeAzuraCast::fixture("azuracast_song_b.json"));  // custom_fields.loop = "b"
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("k7x"),
               "--http-port", std::to_string(port), "--azuracast", az.base_url() + "/", "--station", az.station(), "--io-timeout", "2",
               "--size", "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["state"]) == "running"; }, 15), lc.log());
  auto d = status(cli);
  CHECK(ends_with(str(d["loop"]), "/b.mp4"));  // not the --loop: the REST answer's...
  CHECK(d["switches"].GetUint64() == 0);       // ...from the first frame, not by a switch
  CHECK(str(d["track"]["source"]) == "azuracast-rest");
  CHECK(str(d["track"]["artist"]) == "Röyksopp");
  CHECK(az.rest_calls() == 1);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["trigger"]["state"]) == "live"; }, 10), lc.log());
  d = status(cli);
  CHECK(str(d["trigger"]["source"]) == "azuracast");
  CHECK(str(d["trigger"]["station"]) == az.station());
  CHECK(str(d["trigger"]["last_update"]).size() == 20);

  az.play(FakeAzuraCast::fixture("azuracast_live_dj.json"));  // no custom field: the default loop
  REQUIRE_MESSAGE(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/a.mp4"); }, 10), lc.log());
  CHECK(str(status(cli)["track"]["source"]) == "azuracast-sse");

  // A restart asks the REST API again; the loop on air stays the song's.
  REQUIRE(cli.Post("/api/v1/stream/restart"));
  REQUIRE_MESSAGE(wait_for([&] { return az.rest_calls() >= 2 && str(status(cli)["state"]) == "running"; }, 15), lc.log());
  CHECK(ends_with(str(status(cli)["loop"]), "/a.mp4"));

  // The feed breaks (connections cut, then an HTML page): the stream goes on, status says why.
  az.set_live_mode(FakeAzuraCast::Mode::drop);
  az.set_rest_mode(FakeAzuraCast::Mode::html);
  const uint64_t frames = status(cli)["video_frames"].GetUint64();
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["trigger"]["reconnects"].GetInt() >= 2; }, 20), lc.log());
  az.set_live_mode(FakeAzuraCast::Mode::html);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["trigger"]["last_error"]).find("text/html") != std::string::npos; }, 40), lc.log());
  d = status(cli);
  CHECK(str(d["state"]) == "running");
  CHECK(d["video_frames"].GetUint64() > frames);
  CHECK(d["restarts"].GetUint64() == 1);  // only the one asked for
  CHECK(lc.terminate() == 0);
  const auto recs = rig.recordings();
  REQUIRE_FALSE(recs.empty());
  auto rep = probe_media(recs.back());
  REQUIRE(rep);
  CHECK(rep->video.dts_monotonic);
}
