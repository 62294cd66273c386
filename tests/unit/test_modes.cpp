// Issue 21: the modes are enums, each with one parse_x() and one to_string(), read in its key-table
// row; draws_per_frame() is the one rule behind "splice only when nothing draws".
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "control/config/config.hpp"
#include "engine/engine_config.hpp"
#include "engine/video/overlay_config.hpp"
#include "engine/video/visualizer_config.hpp"

using namespace loopcast;

namespace {
// Every word a parser takes turns into a value whose to_string() is that word again.
template <class Enum>
void round_trips(std::optional<Enum> (*parse)(std::string_view), const std::vector<std::string>& words) {
  for (const auto& w : words) {
    CAPTURE(w);
    const auto v = parse(w);
    REQUIRE(v);
    CHECK(to_string(*v) == w);
  }
}

std::string flag_error(std::vector<std::string> flags) {
  AppConfig c;
  Status st = apply_cli_flags(c, flags);
  return st ? "" : st.error();
}
}  // namespace

TEST_CASE("each mode's parser takes exactly its words, and to_string gives them back") {
  round_trips(parse_video_mode, {"encode", "splice", "auto"});
  round_trips(parse_background, {"loop", "art"});
  round_trips(parse_visualizer_mode, {"off", "bars", "wave", "spectrum"});
  round_trips(parse_visualizer_position, {"bottom", "top", "center"});
  round_trips(parse_overlay_corner, {"bottom-left", "bottom-right", "top-left", "top-right"});
  for (const char* w : {"debug", "info", "warn", "error"}) {
    CAPTURE(w);
    REQUIRE(log::parse_level(w));
    CHECK(std::string(log::to_string(*log::parse_level(w))) == w);
  }
  CHECK(parse_video_mode("auto") == VideoMode::automatic);
  CHECK(parse_visualizer_mode("") == VisualizerMode::off);  // an empty value has always meant off
  CHECK(log::parse_level("warn") == log::Level::warn);

  for (const char* w : {"", "Encode", "copy", "splice "}) CHECK_FALSE(parse_video_mode(w));
  for (const char* w : {"", "Art", "video"}) CHECK_FALSE(parse_background(w));
  for (const char* w : {"Bars", "fireworks", "none"}) CHECK_FALSE(parse_visualizer_mode(w));
  for (const char* w : {"", "left", "middle", "Top"}) CHECK_FALSE(parse_visualizer_position(w));
  for (const char* w : {"", "right", "middle", "bottom_left", "Top-Right"}) CHECK_FALSE(parse_overlay_corner(w));
  for (const char* w : {"", "loud", "warning", "INFO"}) CHECK_FALSE(log::parse_level(w));
}

TEST_CASE("a mode is parsed in its row: flags and JSON set the enum, a bad word is the row's error") {
  AppConfig c;
  REQUIRE(apply_cli_flags(c, {"--video-mode", "auto", "--background", "art", "--visualizer", "wave", "--visualizer-position", "center",
                              "--overlay-position", "top-right", "--log-level", "debug"}));
  CHECK(c.engine.video_mode == VideoMode::automatic);
  CHECK(c.engine.background == Background::art);
  CHECK(c.engine.visualizer.mode == VisualizerMode::wave);
  CHECK(c.engine.visualizer.position == VisualizerPosition::center);
  CHECK(c.engine.overlay.position == OverlayCorner::top_right);
  CHECK(c.control.log_level == log::Level::debug);
  REQUIRE(apply_config_json(c, R"({"video_mode": "splice", "visualizer": "off", "overlay_position": "bottom-right",
                                   "log_level": "error"})"));
  CHECK(c.engine.video_mode == VideoMode::splice);
  CHECK_FALSE(c.engine.visualizer.enabled());
  CHECK(c.engine.overlay.position == OverlayCorner::bottom_right);
  CHECK(c.control.log_level == log::Level::error);

  CHECK(flag_error({"--video-mode", "copy"}) == "--video-mode: video_mode: invalid value 'copy': expected encode|splice|auto");
  CHECK(flag_error({"--background", "video"}) == "--background: background: invalid value 'video': expected loop|art");
  CHECK(flag_error({"--visualizer", "fireworks"}) ==
        "--visualizer: visualizer: invalid value 'fireworks': expected bars|wave|spectrum|off");
  CHECK(flag_error({"--log-level", "loud"}) == "--log-level: log_level: invalid value 'loud': expected debug|info|warn|error");
  CHECK(flag_error({"--overlay-position", "middle"}) ==
        "--overlay-position: overlay_position: invalid value 'middle': expected bottom-left|bottom-right|top-left|top-right");
  CHECK(flag_error({"--fit", "fill"}) == "--fit: fit: invalid value 'fill': expected contain|cover|stretch");
  AppConfig j;
  CHECK(apply_config_json(j, R"({"visualizer_position": "left"})").error() ==
        "visualizer_position: invalid value 'left': expected bottom|top|center");
}

TEST_CASE("draws_per_frame: the overlay, the visualiser and a crossfade draw, not a plain loop, the art background or title cards") {
  EngineConfig e;
  CHECK_FALSE(draws_per_frame(e));
  auto with = [](auto change) {
    EngineConfig c;
    change(c);
    return draws_per_frame(c);
  };
  CHECK(with([](EngineConfig& c) { c.overlay.enabled = true; }));
  CHECK(with([](EngineConfig& c) { c.visualizer.mode = VisualizerMode::bars; }));
  CHECK_FALSE(with([](EngineConfig& c) { c.background = Background::art; }));  // one still per song, encoded once
  CHECK_FALSE(with([](EngineConfig& c) { c.title_card.seconds = 8; }));        // composed ahead
  CHECK(with([](EngineConfig& c) { c.crossfade = 0.5; }));
  // Settings that only shape what would be drawn draw nothing by themselves.
  CHECK_FALSE(with([](EngineConfig& c) { c.overlay.art = true, c.overlay.position = OverlayCorner::top_right; }));
  CHECK_FALSE(with([](EngineConfig& c) { c.visualizer.position = VisualizerPosition::top, c.visualizer.opacity = 1; }));
  CHECK_FALSE(with([](EngineConfig& c) { c.video_mode = VideoMode::splice, c.crossfade = 0; }));
}

TEST_CASE("validate() refuses splice exactly when something draws per frame, auto and encode take either") {
  auto cfg = [](VideoMode mode, auto change) {
    AppConfig c;
    c.engine.loop = "x.mp4";
    c.engine.outputs = {"out.flv"};
    c.engine.video_mode = mode;
    change(c.engine);
    return c;
  };
  auto nothing = [](EngineConfig&) {};
  const std::vector<std::function<void(EngineConfig&)>> drawing = {[](EngineConfig& e) { e.overlay.enabled = true; },
                                                                   [](EngineConfig& e) { e.visualizer.mode = VisualizerMode::spectrum; },
                                                                   [](EngineConfig& e) { e.crossfade = 1; }};
  CHECK(validate(cfg(VideoMode::splice, nothing)));
  for (const auto& draw : drawing) {
    const Status st = validate(cfg(VideoMode::splice, draw));
    REQUIRE_FALSE(st);
    CHECK(st.error().find("video_mode splice") == 0);
    CHECK(st.error().find("use encode or auto") != std::string::npos);
    CHECK(validate(cfg(VideoMode::automatic, draw)));
    CHECK(validate(cfg(VideoMode::encode, draw)));
  }
}
