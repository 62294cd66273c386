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

  // ICY: aligned with the audio already, so no delay.
  rig.set_title("Daft Punk - Around the World");
  REQUIRE_MESSAGE(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/b.mp4"); }, 5), lc.log());
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
  CHECK(ends_with(str(d["pending_loop"]), "/b.mp4") == false);  // Röyksopp has custom_fields.loop = "b"...
  CHECK(ends_with(str(d["loop"]), "/b.mp4"));                   // ...which is on air already: text only
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
  send_signal(lc.pid, SIGHUP);
  CHECK(wait_for([&] { return lc.log().find("track mapping loaded") != lc.log().rfind("track mapping loaded") ||
                              lc.log().find("SIGHUP") != std::string::npos; }, 3));
  r = cli.Post("/api/v1/track", R"({"artist":"Air","title":"Kelly Watch the Stars"})", "application/json");
  CHECK(status(cli)["pending_in"].GetDouble() < 0.5);                         // manual: no switch delay,
  CHECK(wait_for([&] { return status(cli)["switches"].GetUint64() == 3; }, 2));  // on air at once
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
