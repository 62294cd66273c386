// Issue 15: the visualiser and art-background settings, as flags and JSON keys, and their checks.
#include <doctest/doctest.h>

#include <string>

#include "control/config/config.hpp"
#include "control/mapping/track_map.hpp"

using namespace loopcast;

namespace {
AppConfig base() {
  AppConfig c;
  c.engine.loop = "a.mp4";
  c.engine.outputs = {"out.flv"};
  return c;
}
std::string error_of(const std::vector<std::string>& flags) {
  AppConfig c = base();
  if (Status st = apply_cli_flags(c, flags); !st) return st.error();
  Status st = validate(c);
  return st ? "" : st.error();
}
}  // namespace

TEST_CASE("visualiser and background flags and keys set the engine's settings") {
  AppConfig c = base();
  REQUIRE(apply_cli_flags(c, {"--visualizer", "spectrum", "--visualizer-position", "top", "--visualizer-height", "200",
                              "--visualizer-color", "#ff8800", "--visualizer-opacity", "0.5", "--background", "art"}));
  CHECK(c.engine.visualizer.mode == VisualizerMode::spectrum);
  CHECK(c.engine.visualizer.position == VisualizerPosition::top);
  CHECK(c.engine.visualizer.height == 200);
  CHECK(c.engine.visualizer.color == "#ff8800");
  CHECK(c.engine.visualizer.opacity == 0.5);
  CHECK(c.engine.background == Background::art);
  CHECK(validate(c));
  REQUIRE(apply_config_json(c, R"({"visualizer": "off", "background": "loop"})"));
  CHECK_FALSE(c.engine.visualizer.enabled());
  CHECK(c.engine.background == Background::loop);
}

TEST_CASE("bad visualiser and background settings are clear errors") {
  CHECK(error_of({"--visualizer", "fireworks"}).find("bars|wave|spectrum") != std::string::npos);
  CHECK(error_of({"--background", "video"}).find("loop|art") != std::string::npos);
  CHECK(error_of({"--visualizer", "bars", "--visualizer-color", "notacolour"}).find("visualizer_color") != std::string::npos);
  CHECK(error_of({"--visualizer", "bars", "--visualizer-opacity", "2"}).find("0..1") != std::string::npos);
  CHECK(error_of({"--visualizer", "bars", "--visualizer-position", "left"}) ==
        "--visualizer-position: visualizer_position: invalid value 'left': expected bottom|top|center");
  CHECK(error_of({"--visualizer", "bars", "--visualizer-height", "5000"}).find("visualizer_height") != std::string::npos);
  CHECK(error_of({"--visualizer", "wave", "--video-mode", "splice"}).find("use encode or auto") != std::string::npos);
  CHECK(error_of({"--background", "art", "--video-mode", "splice"}).empty());  // one still per song, encoded once and spliced
}

TEST_CASE("@art in a mapping is a scene, not a file: never reported missing, never cached") {
  auto m = TrackMap::parse(R"({"default": "/loops/a.mp4", "rules": [{"artist": "Air", "loop": "@art"}]})", "/loops");
  REQUIRE_MESSAGE(m, m.error());
  TrackInfo air;
  air.artist = "Air";
  CHECK(m->resolve(air) == kArtScene);
  CHECK(m->resolve(TrackInfo{}) == "/loops/a.mp4");
  CHECK(m->loops() == std::vector<std::string>{"/loops/a.mp4"});  // the files to check and cache
  CHECK(LoopRef::parse(m->resolve(air)).kind() == LoopRef::Kind::art);
  const auto one = LoopRef::scene("http://x/cover.jpg", "A – One");
  CHECK(one.is_scene());
  CHECK(one.location() == "http://x/cover.jpg");
  // Two songs of one album share the cover but not the scene (it draws their text).
  CHECK(one != LoopRef::scene("http://x/cover.jpg", "A – Two"));
  CHECK_FALSE(LoopRef::parse("/loops/a.mp4").is_scene());
}
