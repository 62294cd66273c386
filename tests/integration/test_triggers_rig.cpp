// The other switch triggers on the real rig: in-band ICY titles, the switch delay for webhooks,
// and a mapping reloaded by SIGHUP — with the overlay drawing the title on every switch.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

TEST_CASE("ICY StreamTitle switches at once — webhooks wait the switch delay — SIGHUP reloads the mapping") {
  Rig rig;
  const std::string dir = make_temp_dir("loopcast-trig");
  const std::string mapping = dir + "/mapping.json";
  std::ofstream(mapping) << R"({"default": "a.mp4", "rules": [{"artist": "Daft Punk", "loop": "b.mp4"}]})";
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--mapping", mapping, "--audio", rig.icecast_url(), "--icy-switch",
               "--switch-delay", "3", "--output", dir + "/out.flv", "--http-port", std::to_string(port), "--overlay", "true", "--size",
               "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["audio"]["state"]) == "connected"; }, 15), lc.log());

  // ICY: the title sits in the audio stream, so the picture changes when that audio is heard — after
  // what the jitter buffer holds, which includes Icecast's 4 s connect burst (kept, issue 26).
  rig.set_title("Daft Punk - Around the World");
  REQUIRE_MESSAGE(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/b.mp4"); }, 10), lc.log());
  auto d = status(cli);
  CHECK(str(d["audio"]["icy_title"]) == "Daft Punk - Around the World");
  CHECK(str(d["track"]["source"]) == "icy");
  CHECK(str(d["track"]["artist"]) == "Daft Punk");

  // Webhook: the picture changes switch_delay seconds later (played_at is old, so the full delay).
  auto r = cli.Post("/webhook/azuracast", read_text(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/azuracast_song_b.json"),
                    "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  d = status(cli);
  CHECK(str(d["track"]["artist"]) == "Röyksopp");
  // Röyksopp matches no rule (the default is a) but has custom_fields.loop = "b", which is on air
  // already: nothing pending. Were the custom field ignored, a.mp4 would be pending now.
  CHECK(str(d["pending_loop"]) == "");
  CHECK(ends_with(str(d["loop"]), "/b.mp4"));
  r = cli.Post("/webhook/azuracast", R"({"now_playing":{"sh_id":77,"song":{"artist":"Air","title":"Sexy Boy"}}})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  d = status(cli);
  CHECK(ends_with(str(d["pending_loop"]), "/a.mp4"));
  CHECK(d["pending_in"].GetDouble() > 2.0);
  CHECK(ends_with(str(d["loop"]), "/b.mp4"));  // not yet
  CHECK(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/a.mp4"); }, 5));

  // New rules, reloaded by SIGHUP: Air now maps to b.
  std::ofstream(mapping, std::ios::trunc) << R"({"default": "a.mp4", "rules": [{"artist": "Air", "loop": "b.mp4"}]})";
  auto loads = [&] {
    const std::string log = lc.log();
    size_t n = 0;
    for (auto at = log.find("track mapping loaded"); at != std::string::npos; at = log.find("track mapping loaded", at + 1)) ++n;
    return n;
  };
  const size_t loads_before = loads();
  send_signal(lc.pid, SIGHUP);
  REQUIRE_MESSAGE(wait_for([&] { return loads() == loads_before + 1; }, 5), lc.log());  // loaded, not a "SIGHUP: ..." warning
  r = cli.Post("/api/v1/track", R"({"artist":"Air","title":"Kelly Watch the Stars"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  CHECK(status(cli)["pending_in"].GetDouble() < 0.5);                         // manual: no switch delay,
  CHECK(wait_for([&] { return status(cli)["switches"].GetUint64() == 3; }, 5));  // and it goes on air (no delay: see pending_in)
  CHECK(ends_with(str(status(cli)["loop"]), "/b.mp4"));
  // A broken mapping is refused over the API and the old one stays.
  std::ofstream(mapping, std::ios::trunc) << R"({"rules": [{"artist": "Air"}]})";
  auto bad = cli.Post("/api/v1/mapping/reload");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.find("rule 0 has no") != std::string::npos);
  CHECK(ends_with(str(status(cli)["loop"]), "/b.mp4"));
  CHECK(lc.terminate() == 0);
  auto rep = probe_media(dir + "/out.flv");
  REQUIRE(rep);
  CHECK(rep->video.dts_monotonic);
}

TEST_CASE("without --icy-switch the station's ICY title is shown in status but switches nothing") {
  Rig rig;
  const std::string dir = make_temp_dir("loopcast-icy");
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": [{"artist": "Daft Punk", "loop": "b.mp4"}]})";
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--mapping", dir + "/mapping.json", "--audio", rig.icecast_url(),
               "--output", dir + "/out.flv", "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["audio"]["state"]) == "connected"; }, 15), lc.log());
  rig.set_title("Daft Punk - Around the World");  // would map to b.mp4, were it a trigger
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["audio"]["icy_title"]) == "Daft Punk - Around the World"; }, 10), lc.log());
  rig.set_title("Air - Sexy Boy");
  REQUIRE(wait_for([&] { return str(status(cli)["audio"]["icy_title"]) == "Air - Sexy Boy"; }, 10));  // kept current
  auto d = status(cli);
  CHECK(ends_with(str(d["loop"]), "/a.mp4"));
  CHECK(str(d["pending_loop"]) == "");
  CHECK(d["track_changes"].GetUint64() == 0);
  CHECK(d["switches"].GetUint64() == 0);
  CHECK(str(d["track"]["source"]) == "");
  CHECK(lc.terminate() == 0);
}
