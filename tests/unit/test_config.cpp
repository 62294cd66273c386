#include <doctest/doctest.h>
#include <stdlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "control/config/config.hpp"
#include "base/redact.hpp"
#include "base/url.hpp"
#include "tests/support/scoped_env.hpp"

using namespace loopcast;

namespace {
std::string example() { return std::string(LOOPCAST_SOURCE_DIR) + "/assets/config.example.json"; }
}  // namespace

TEST_CASE("defaults are YouTube-ready") {
  AppConfig c;
  CHECK(c.engine.width == 1280);
  CHECK(c.engine.height == 720);
  CHECK(c.engine.fps == 30);
  CHECK(c.engine.keyframe_interval == 2.0);
  CHECK(c.engine.video_bitrate == 2'500'000);
  CHECK(c.engine.audio_bitrate == 128'000);
  CHECK(c.engine.input_backoff.max == 10);   // a returning station is heard within 10 s
  CHECK(c.engine.output_backoff.max == 30);
}

TEST_CASE("the example config parses, and flags override it in any order") {
  AppConfig c;
  REQUIRE(apply_cli_flags(c, {"--fps", "25", "--config", example(), "--vbitrate=4.5M", "--size", "1920x1080"}));
  CHECK(c.engine.fps == 25);                 // flag after... and before the file: flags win
  CHECK(c.engine.video_bitrate == 4'500'000);
  CHECK(c.engine.width == 1920);
  CHECK(c.engine.height == 1080);
  CHECK(c.engine.crossfade == 0.5);          // from the file
  CHECK(c.control.switch_delay == 10);
  CHECK(c.engine.output_backoff.max == 30);
  CHECK(c.engine.input_backoff.max == 15);
  REQUIRE(c.engine.outputs.size() == 1);
  CHECK(c.engine.outputs[0] == "rtmps://a.rtmps.youtube.com:443/live2/{key}");
}

TEST_CASE("repeated --output flags replace the file's outputs") {
  AppConfig c;
  REQUIRE(apply_cli_flags(c, {"--config", example(), "--output", "a.flv", "--output", "rtmp://x/live/k"}));
  REQUIRE(c.engine.outputs.size() == 2);
  CHECK(c.engine.outputs[0] == "a.flv");
}

TEST_CASE("switch flags and boolean keys") {
  AppConfig c;
  REQUIRE(apply_cli_flags(c, {"--no-realtime", "--icy-switch", "--no-autostart"}));
  CHECK_FALSE(c.engine.realtime);
  CHECK(c.control.icy_switch);
  CHECK_FALSE(c.control.autostart);
  REQUIRE(apply_config_json(c, R"({"realtime": true, "icy_switch": false})"));
  CHECK(c.engine.realtime);
  CHECK_FALSE(c.control.icy_switch);
}

TEST_CASE("every kind of bad input is a clear error naming the key or flag") {
  struct Case {
    std::vector<std::string> args;
    const char* needle;
  };
  const Case cases[] = {
      {{"--fsp", "30"}, "unknown flag '--fsp'"},
      {{"--fps"}, "--fps: missing value"},
      {{"--fps", "thirty"}, "not an integer"},
      {{"--size", "1280x"}, "WIDTHxHEIGHT"},
      {{"--vbitrate", "fast"}, "2500k"},
      {{"--realtime", "maybe"}, "true or false"},
      {{"--vbitrate", "1e31"}, "2500k"},            // found by the fuzzer: no overflow
      {{"--keyframe-interval", "nan"}, "not a number"},
      {{"--duration", "inf"}, "not a number"},
      {{"--log-level", "loud"}, "debug|info"},
      {{"--config", "/nonexistent/loopcast.json"}, "cannot open"},
      {{"stray"}, "unexpected argument 'stray'"},
  };
  for (const auto& c : cases) {
    AppConfig cfg;
    Status st = apply_cli_flags(cfg, c.args);
    CAPTURE(c.needle);
    REQUIRE_FALSE(st);
    CHECK(st.error().find(c.needle) != std::string::npos);
  }
  AppConfig cfg;
  CHECK(apply_config_json(cfg, "{\"fps\": ").error().find("invalid JSON") != std::string::npos);
  CHECK(apply_config_json(cfg, "[1,2]").error().find("object") != std::string::npos);
  CHECK(apply_config_json(cfg, R"({"fsp": 30})").error().find("unknown config key 'fsp'") != std::string::npos);
  CHECK(apply_config_json(cfg, R"({"fps": "30"})").error().find("'fps': expected an integer") != std::string::npos);
  CHECK(apply_config_json(cfg, R"({"output": [1]})").error().find("output") != std::string::npos);
  CHECK(apply_config_json(cfg, R"({"output_backoff": {"max": "x"}})").error().find("output_backoff.max") != std::string::npos);
}

TEST_CASE("validation catches values the encoder or YouTube would reject") {
  auto base = [] {
    AppConfig c;
    c.engine.loop = "x.mp4";
    c.engine.outputs = {"out.flv"};
    return c;
  };
  CHECK(validate(base()));
  auto expect = [&](auto mutate, const char* needle) {
    AppConfig c = base();
    mutate(c);
    Status st = validate(c);
    CAPTURE(needle);
    REQUIRE_FALSE(st);
    CHECK(st.error().find(needle) != std::string::npos);
  };
  expect([](AppConfig& c) { c.engine.width = 1281; }, "even");
  expect([](AppConfig& c) { c.engine.fps = 120; }, "fps");
  expect([](AppConfig& c) { c.engine.keyframe_interval = 10; }, "keyframe_interval");
  expect([](AppConfig& c) { c.engine.preset = "turbo"; }, "preset");
  expect([](AppConfig& c) { c.engine.sample_rate = 22050; }, "sample_rate");
  expect([](AppConfig& c) { c.engine.outputs.clear(); }, "no output");
  expect([](AppConfig& c) { c.engine.loop.clear(); }, "no loop");
  expect([](AppConfig& c) { c.engine.outputs = {"http://ingest.example/live/abcdef-key"}; }, "expected rtmp://");
  expect([](AppConfig& c) { c.engine.speed = 0.5; }, "speed 0.5: must be 1..1000");
  expect([](AppConfig& c) { c.engine.overlay.size = -3; }, "overlay_size -3");
  expect([](AppConfig& c) { c.engine.overlay.art = true, c.engine.overlay.art_size = 400; }, "overlay_art_size 400: must be 16..360");
  expect([](AppConfig& c) { c.engine.video_mode = VideoMode::splice, c.engine.overlay.enabled = true; }, "video_mode splice");
  expect([](AppConfig& c) { c.engine.video_mode = VideoMode::splice, c.engine.crossfade = 0.5; }, "video_mode splice");
  expect([](AppConfig& c) { c.control.live_loop = "no-such-loop"; }, "live_loop: ");
  expect([](AppConfig& c) { c.engine.title_card.seconds = 61; }, "title_card 61: must be 0..60 s");
  expect(
      [](AppConfig& c) { c.engine.video_mode = VideoMode::splice, c.engine.title_card.seconds = 8, c.engine.title_card.font = "/no.ttf"; },
      "title_card_font '/no.ttf': cannot be read");
  AppConfig live_splice = base();  // the live scene and title cards are composed ahead: splice takes them
  live_splice.engine.video_mode = VideoMode::splice, live_splice.control.live_loop = "@live", live_splice.engine.title_card.seconds = 8;
  live_splice.engine.background = Background::art;
  CHECK_MESSAGE(validate(live_splice), validate(live_splice).error());
  AppConfig drawing_auto = base();  // auto simply encodes when something draws
  drawing_auto.engine.video_mode = VideoMode::automatic, drawing_auto.engine.crossfade = 0.5;
  CHECK(validate(drawing_auto));
  AppConfig small = base();  // a small picture is fine while the art is off
  small.engine.width = 320, small.engine.height = 180;
  CHECK(validate(small));
  AppConfig c = base();
  c.engine.outputs = {"http://ingest.example/live/abcdef-key"};
  CHECK(validate(c).error().find("abcdef-key") == std::string::npos);  // redacted in the message
}

TEST_CASE("video mode and cache dir: flags and JSON, bad modes refused") {
  AppConfig c;
  CHECK(c.engine.video_mode == VideoMode::encode);
  REQUIRE(apply_cli_flags(c, {"--video-mode", "auto", "--cache-dir", "/srv/cache"}));
  CHECK(c.engine.video_mode == VideoMode::automatic);
  CHECK(c.engine.cache_dir == "/srv/cache");
  REQUIRE(apply_config_json(c, R"({"video_mode": "splice", "cache_dir": "/c"})"));
  CHECK(c.engine.video_mode == VideoMode::splice);
  CHECK(c.engine.cache_dir == "/c");
  Status st = apply_cli_flags(c, {"--video-mode", "copy"});
  REQUIRE_FALSE(st);
  CHECK(st.error().find("encode|splice|auto") != std::string::npos);
}

TEST_CASE("the stream key comes from the environment and is redacted everywhere") {
  const loopcast::test::ScopedEnv env({{"LOOPCAST_STREAM_KEY", "abcd-efgh-ijkl-mnop"}});  // and no other LOOPCAST_*
  AppConfig c;
  apply_environment(c);
  REQUIRE(apply_cli_flags(c, {"--output", "rtmps://b.rtmps.youtube.com:443/live2?backup=1/{key}"}));
  resolve_stream_key(c);
  CHECK(c.engine.outputs[0] == "rtmps://b.rtmps.youtube.com:443/live2?backup=1/abcd-efgh-ijkl-mnop");
  CHECK(redact_text("publishing to " + c.engine.outputs[0]).find("abcd-efgh") == std::string::npos);

  AppConfig only_key;
  resolve_stream_key(only_key);  // no output at all: YouTube's primary ingest
  REQUIRE(only_key.engine.outputs.size() == 1);
  CHECK(only_key.engine.outputs[0] == "rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh-ijkl-mnop");
}

TEST_CASE("usage lists every flag of the key table, each with its help, and both forms accept it") {
  const std::string u = cli_usage();
  const auto names = config_key_names();
  CHECK(names.size() >= 35);  // the table, not a handful
  for (const auto& name : names) {
    CAPTURE(name);
    std::string flag = "--" + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    const auto line_at = u.find("\n  " + flag + " ");
    REQUIRE(line_at != std::string::npos);
    const std::string line = u.substr(line_at + 1, u.find('\n', line_at + 1) - line_at - 1);
    CHECK(line.size() > flag.size() + 28);  // a help text after the flag column
    // The flag and the JSON key are known (their values may be refused, but not the name).
    AppConfig c;
    auto st = apply_cli_flags(c, {flag, "1"});
    CHECK((st || st.error().find("unknown flag") == std::string::npos));
    auto js = apply_config_json(c, "{\"" + name + "\": 1}");
    CHECK((js || js.error().find("unknown config key") == std::string::npos));
  }
}

TEST_CASE("timezone and schedule: JSON list or text form — bad values name the window") {
  AppConfig c;
  REQUIRE(apply_config_json(c, R"({"timezone": "Europe/Berlin", "schedule": [{"days": ["mon-fri"], "from": "06:00", "to": "23:00"}]})"));
  CHECK(c.control.timezone == "Europe/Berlin");
  REQUIRE(c.control.schedule.size() == 1);
  CHECK(c.control.schedule[0].days == 0x1f);
  REQUIRE(apply_cli_flags(c, {"--schedule", "sat,sun 08:00-12:00; fri 20:00-02:00"}));
  REQUIRE(c.control.schedule.size() == 2);
  CHECK(c.control.schedule[1].to == 2 * 3600);
  Status zone = apply_cli_flags(c, {"--timezone", "Europe/Atlantis"});
  REQUIRE_FALSE(zone);
  CHECK(zone.error().find("unknown time zone 'Europe/Atlantis'") != std::string::npos);
  Status day = apply_config_json(c, R"({"schedule": [{"days": ["mon"]}, {"days": ["funday"]}]})");
  REQUIRE_FALSE(day);
  CHECK(day.error().find("schedule window 2: unknown day 'funday'") != std::string::npos);
  CHECK_FALSE(apply_config_json(c, R"({"schedule": 5})"));
  CHECK(c.control.schedule.size() == 2);  // a refused value changes nothing
}

TEST_CASE("--azuracast takes an http(s) base URL and --station a shortcode — they go together") {
  AppConfig c;
  c.engine.loop = "x.mp4";
  c.engine.outputs = {"out.flv"};
  REQUIRE(apply_cli_flags(c, {"--azuracast", "https://radio.example/", "--station", "loopcast_fm"}));
  CHECK(c.control.azuracast_url == "https://radio.example");  // trailing slash dropped
  CHECK(c.control.station == "loopcast_fm");
  CHECK(validate(c));
  REQUIRE(apply_config_json(c, R"({"azuracast": "http://10.0.0.5:8080/azura", "station": "night-2"})"));
  CHECK(c.control.azuracast_url == "http://10.0.0.5:8080/azura");
  CHECK(c.control.station == "night-2");
  struct Bad {
    std::vector<std::string> flags;
    const char* says;
  } bad[] = {
      {{"--azuracast", "ftp://radio.example"}, "--azuracast: azuracast: invalid value 'ftp://radio.example': expected http(s)://"},
      {{"--azuracast", "https://"}, "expected http(s)://HOST"},
      {{"--azuracast", "radio.example"}, "expected http(s)://"},
      {{"--station", "a/b"}, "--station: station: invalid value 'a/b': expected the station's shortcode"},
      {{"--station", "x y"}, "shortcode"},
  };
  for (const auto& b : bad) {
    AppConfig d;
    Status st = apply_cli_flags(d, b.flags);
    REQUIRE_FALSE(st);
    CHECK_MESSAGE(st.error().find(b.says) != std::string::npos, st.error());
  }
  AppConfig half;
  half.engine.loop = "x.mp4";
  half.engine.outputs = {"out.flv"};
  REQUIRE(apply_cli_flags(half, {"--azuracast", "https://radio.example"}));
  CHECK(validate(half).error() == "azuracast and station go together: give both or neither");
  AppConfig secret;  // credentials in the URL never reach an error message
  Status st = apply_cli_flags(secret, {"--azuracast", "gopher://user:hunter2@radio.example"});
  REQUIRE_FALSE(st);
  CHECK(st.error().find("hunter2") == std::string::npos);
}

TEST_CASE("every key's help, default and range come from its table row, and --help shows them") {
  const std::string u = cli_usage();
  const auto keys = config_keys();
  int ranged = 0;
  for (const auto& k : keys) {
    CAPTURE(k.name);
    CHECK_FALSE(k.help.empty());
    REQUIRE_FALSE(k.default_text.empty());
    std::string flag = "--" + k.name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    const auto at = u.find("\n  " + flag + " ");
    REQUIRE(at != std::string::npos);
    const std::string line = u.substr(at + 1, u.find('\n', at + 1) - at - 1);
    CHECK(line.find(k.help) != std::string::npos);
    CHECK(line.find("(default: " + k.default_text + ")") != std::string::npos);
    if (!k.range.value) continue;
    ++ranged;
    CHECK(line.find(k.range.text) != std::string::npos);
    // The default shown is AppConfig's own: applying its text changes nothing.
    AppConfig fresh, applied;
    REQUIRE(apply_cli_flags(applied, {flag, k.default_text}));
    CHECK(k.range.value(applied) == k.range.value(fresh));
  }
  CHECK(ranged >= 12);
}

TEST_CASE("each ranged key refuses values just outside its range, naming the key, and takes its bounds") {
  auto base = [] {
    AppConfig c;
    c.engine.loop = "x.mp4";
    c.engine.outputs = {"out.flv"};
    return c;
  };
  REQUIRE(validate(base()));
  for (const auto& k : config_keys()) {
    if (!k.range.value) continue;
    CAPTURE(k.name);
    std::string flag = "--" + k.name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    auto check = [&](double v, bool ok) {
      CAPTURE(v);
      AppConfig c = base();
      REQUIRE(apply_cli_flags(c, {flag, fmt::format("{}", v)}));  // parsed: the range is validate()'s
      Status st = validate(c);
      CHECK(static_cast<bool>(st) == ok);
      if (!ok) CHECK(st.error().rfind(k.name + " ", 0) == 0);
      if (!ok) CHECK(st.error().find(k.range.text) != std::string::npos);
    };
    const double below = k.range.min == 0 ? -1 : k.range.min >= 1 ? k.range.min - 1 : k.range.min - 0.01;
    if (!k.range.min_open) check(below, false);
    check(k.range.min, !k.range.min_open);
    if (std::isfinite(k.range.max)) {
      check(k.range.max, true);
      check(k.range.max + 1, false);
    }
  }
}

TEST_CASE("url_host: the host alone, whatever user info, port, path or query surround it") {
  CHECK(loopcast::url_host("rtmps://a.rtmps.youtube.com:443/live2/k") == "a.rtmps.youtube.com");
  CHECK(loopcast::url_host("rtmp://a.rtmp.youtube.com@evil.example/live/k") == "evil.example");
  CHECK(loopcast::url_host("rtmp://u:p@HOST.Example?key=1") == "host.example");
  CHECK(loopcast::url_host("rtmp://[::1]:1935/live") == "[::1]");
  CHECK(loopcast::url_host("/tmp/out.flv").empty());
}

TEST_CASE("fit: --fit takes contain, cover or stretch (default contain), from a flag or the config file, and names a bad value") {
  AppConfig c;
  CHECK(c.engine.fit == FitMode::contain);
  REQUIRE(apply_cli_flags(c, {"--fit", "cover"}));
  CHECK(c.engine.fit == FitMode::cover);
  REQUIRE(apply_cli_flags(c, {"--fit=stretch"}));
  CHECK(c.engine.fit == FitMode::stretch);
  REQUIRE(apply_config_json(c, R"({"fit": "contain"})"));
  CHECK(c.engine.fit == FitMode::contain);

  const Status bad = apply_cli_flags(c, {"--fit", "zoom"});
  REQUIRE_FALSE(bad);
  CHECK(bad.code() == Errc::invalid);
  CHECK(bad.error() == "--fit: fit: invalid value 'zoom': expected contain|cover|stretch");
  const Status bad_json = apply_config_json(c, R"({"fit": "Cover"})");
  REQUIRE_FALSE(bad_json);
  CHECK(bad_json.error() == "fit: invalid value 'Cover': expected contain|cover|stretch");
  CHECK_FALSE(apply_config_json(c, R"({"fit": 1})"));
  CHECK(c.engine.fit == FitMode::contain);  // a refused value changes nothing
  CHECK(cli_usage().find("--fit V") != std::string::npos);
}
