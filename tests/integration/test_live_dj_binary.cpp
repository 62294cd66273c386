// The real binary with --live-loop: AzuraCast's payload saying a DJ is live brings the live loop,
// and the DJ leaving brings the mapping back, even when the song data stays the same; in splice
// mode the "@live" scene is encoded once and spliced.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/image_server.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {

std::string str(const rapidjson::Document& d, const char* key) {
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString() : "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("live DJ: --live-loop while AzuraCast says a DJ is live, the mapping again when they leave") {
  const std::string dir = make_temp_dir("loopcast-live");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/a.mp4");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/b.mp4");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/dj.mp4");
  const int port = free_tcp_port();
  Loopcast lc({"--loops-dir", dir + "/loops", "--mapping", fixture("mapping_rig.json"), "--live-loop", "dj", "--output",
               dir + "/out.flv", "--http-port", std::to_string(port), "--size", "640x360", "--vbitrate", "800k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli), "state") == "running"; }, 10), lc.log());
  auto hook = [&](const std::string& body) { return cli.Post("/webhook/azuracast", body, "application/json")->status; };
  auto on_air = [&](const char* loop) { return wait_for([&] { return str(status(cli), "loop").ends_with(loop); }, 10); };

  REQUIRE(hook(read_text(fixture("azuracast_song_b.json"))) == 202);  // Röyksopp → b
  REQUIRE_MESSAGE(on_air("/b.mp4"), lc.log());
  const std::string live = read_text(fixture("azuracast_live_dj.json"));  // Justice (→ b by the mapping), DJ Night live
  REQUIRE(hook(live) == 202);
  REQUIRE_MESSAGE(on_air("/dj.mp4"), lc.log());
  auto st = status(cli);
  CHECK(std::string(st["track"]["title"].GetString()) == "D.A.N.C.E.");
  // The DJ leaves; AzuraCast still names the same song: the mapping's loop again, not a repeat.
  REQUIRE(hook(replaced(live, "\"is_live\": true", "\"is_live\": false")) == 202);
  REQUIRE_MESSAGE(on_air("/b.mp4"), lc.log());
  REQUIRE(hook(read_text(fixture("azuracast_song_a.json"))) == 202);  // the mapping goes on: song id → a
  CHECK(on_air("/a.mp4"));
  CHECK(str(status(cli), "state") == "running");
  CHECK(lc.terminate() == 0);
}

TEST_CASE("live DJ: a --live-loop that names no loop is refused at start, naming the key") {
  const std::string dir = make_temp_dir("loopcast-live");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/a.mp4");
  Loopcast lc({"--loops-dir", dir + "/loops", "--live-loop", "nope", "--output", dir + "/out.flv", "--http-port", "0"});
  CHECK(lc.wait(10) != 0);
  CHECK_MESSAGE(lc.log().find("live_loop") != std::string::npos, lc.log());
  CHECK_FALSE(fs::exists(dir + "/out.flv"));
}

TEST_CASE("live DJ in splice mode: --live-loop @live, the DJ's cover scene encoded once and spliced, the mapping after") {
  const std::string dir = make_temp_dir("loopcast-live-splice");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/loops/a.mp4");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/b.mp4");
  ImageServer images;
  const std::vector<std::string> profile{"--size", "640x360", "--vbitrate", "800k", "--cache-dir", dir + "/cache"};
  std::vector<std::string> prep{"--mapping", fixture("mapping_rig.json")};
  prep.insert(prep.end(), profile.begin(), profile.end());
  prepare_loops(dir + "/loops", prep, dir + "/prepare.log");
  const int port = free_tcp_port();
  std::vector<std::string> args{"--loops-dir", dir + "/loops", "--mapping", fixture("mapping_rig.json"), "--live-loop", "@live",
                                "--video-mode", "splice", "--output", dir + "/out.flv", "--http-port", std::to_string(port)};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli), "state") == "running"; }, 20), lc.log());
  CHECK(str(status(cli), "video_mode") == "splice");
  auto hook = [&](const std::string& body) { return cli.Post("/webhook/azuracast", body, "application/json")->status; };
  auto on_air = [&](const std::string& loop) { return wait_for([&] { return str(status(cli), "loop").ends_with(loop); }, 10); };
  std::string live = read_text(fixture("azuracast_live_dj.json"));
  const auto art = live.find("\"art\": \"");
  REQUIRE(art != std::string::npos);
  live.replace(art + 8, live.find('"', art + 8) - art - 8, images.url("/white.png"));  // the song's cover, on loopback
  REQUIRE(hook(live) == 202);
  REQUIRE_MESSAGE(on_air("@art"), lc.log());  // the DJ's scene, spliced
  REQUIRE(hook(replaced(live, "\"is_live\": true", "\"is_live\": false")) == 202);
  REQUIRE_MESSAGE(on_air("/b.mp4"), lc.log());  // the mapping again (Justice → b)
  CHECK(lc.terminate() == 0);
  check_one_clean_sequence(dir + "/out.flv");  // one SPS/PPS for loops and scene alike
}
