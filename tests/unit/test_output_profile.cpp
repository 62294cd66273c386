// engine/output/output_profile (issue 28, simulcast): an output's own size, bitrate and codec after
// '#', one encoder per distinct profile shared by the outputs that have it, and every mistake in a
// profile refused at start, named, with no key shown.
#include <doctest/doctest.h>

#include <string>

#include "control/config/config.hpp"
#include "control/config/stream_config.hpp"
#include "engine/output/output_kind.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/output/platform.hpp"

using namespace loopcast;

namespace {
EngineConfig stream_720p() {
  EngineConfig e;
  e.width = 1280;
  e.height = 720;
  e.video_bitrate = 2'500'000;
  return e;
}
}  // namespace

TEST_CASE("output profile: the '#' part names size, vbitrate and codec, the rest is the stream's") {
  const EngineConfig s = stream_720p();
  auto own = output_profile("rtmp://h/app/KEY#size=1920x1080&vbitrate=6000k", s);
  REQUIRE_MESSAGE(own, own.error());
  CHECK(own->width == 1920);
  CHECK(own->height == 1080);
  CHECK(own->video_bitrate == 6'000'000);
  CHECK(own->codec == VideoCodec::h264);  // not named: the stream's
  auto hevc = output_profile("hls:/var/www/live#codec=hevc", s);
  REQUIRE(hevc);
  CHECK(hevc->codec == VideoCodec::hevc);
  CHECK(hevc->width == 1280);
  CHECK(*output_profile("out.flv", s) == stream_profile(s));
  // 854x480 is 16:9 once rounded to even sizes: the same shape.
  CHECK(output_profile("out.flv#size=854x480", s));

  // What is connected to never carries the profile.
  CHECK(output_address("rtmp://h/app/KEY#size=1920x1080") == "rtmp://h/app/KEY");
  auto target = parse_output("rtmp://h/app/KEY#vbitrate=6000k");
  REQUIRE(target);
  CHECK(target->muxer_url == "rtmp://h/app/KEY");
  auto hls = parse_output("hls:/var/www/live#codec=hevc");
  REQUIRE(hls);
  CHECK(hls->dir == "/var/www/live");
  CHECK(ingest_url("twitch://live_1#vbitrate=6000k") == "rtmp://live.twitch.tv/app/live_1");
  // What is shown: the key hidden, the profile kept (it tells two outputs apart).
  const std::string shown = shown_output("rtmp://h/app/sekrit-key-99#size=1920x1080");
  CHECK(shown.find("sekrit-key-99") == std::string::npos);
  CHECK(shown.find("#size=1920x1080") != std::string::npos);
}

TEST_CASE("output profile: mistakes are refused with the key, the value and what is accepted") {
  const EngineConfig s = stream_720p();
  const std::pair<const char*, const char*> cases[] = {
      {"rtmp://h/app/sekrit-1#sise=1920x1080", "unknown key (size, vbitrate, codec)"},
      {"rtmp://h/app/sekrit-1#size=1920", "expected WIDTHxHEIGHT"},
      {"rtmp://h/app/sekrit-1#size=1921x1080", "must be even"},
      {"rtmp://h/app/sekrit-1#size=1080x1920", "not the shape of the stream's 1280x720"},
      {"rtmp://h/app/sekrit-1#vbitrate=50k", "expected 100k..20M"},
      {"rtmp://h/app/sekrit-1#vbitrate=fast", "expected 100k..20M"},
      {"rtmp://h/app/sekrit-1#codec=av1", "expected h264 or hevc"},
      {"rtmp://h/app/sekrit-1#", "a '#' with nothing after it"},
      {"rtmp://h/app/sekrit-1#size", "expected key=value"},
  };
  for (const auto& [output, says] : cases) {
    CAPTURE(output);
    auto p = output_profile(output, s);
    REQUIRE_FALSE(p);
    CHECK_MESSAGE(p.error().find(says) != std::string::npos, p.error());
    CHECK(p.error().find("sekrit-1") == std::string::npos);
    CHECK(p.code() == Errc::invalid);
  }
}

TEST_CASE("renditions: one encoder per distinct profile, in the order outputs name them") {
  EngineConfig s = stream_720p();
  s.outputs = {"a.flv", "hls:/tmp/x#codec=hevc&size=640x360", "b.flv#vbitrate=2500k", "rtmp://h/app/k#size=640x360",
               "srt://h:9000#size=640x360&codec=hevc"};
  auto r = plan_renditions(s);
  REQUIRE_MESSAGE(r, r.error());
  REQUIRE(r->profiles.size() == 3);  // the stream's (a, b: 2500k is its own), hevc 360p (hls, srt), h264 360p
  CHECK(r->profiles[0] == stream_profile(s));
  CHECK(r->of_output == std::vector<size_t>{0, 1, 0, 2, 1});
  CHECK(r->profiles[1].codec == VideoCodec::hevc);
  CHECK(r->profiles[2].width == 640);
  CHECK(with_profile(s, r->profiles[2]).height == 360);
  s.outputs.push_back("c.flv#codec=vp9");
  CHECK_FALSE(plan_renditions(s));
}

TEST_CASE("output profiles at start: platform limits per output, HEVC only where carried, never in splice") {
  auto base = [] {
    AppConfig c;
    c.engine.loop = "x.mp4";
    return c;
  };
  // Twitch at 1080p/6000k and YouTube at 1440p from one 1440p stream: each within its platform.
  AppConfig both = base();
  both.engine.width = 2560;
  both.engine.height = 1440;
  both.engine.video_bitrate = 9'000'000;
  both.engine.outputs = {"youtube://yt-key-1", "twitch://tw_key_2#size=1920x1080&vbitrate=6000k"};
  CHECK_MESSAGE(validate(both), validate(both).error());
  // The same without the profile: Twitch's limits refuse the stream's own encode.
  both.engine.outputs = {"youtube://yt-key-1", "twitch://tw_key_2"};
  CHECK(validate(both).error().find("over the 6000k Twitch takes") != std::string::npos);

  AppConfig mixed = base();
  mixed.engine.outputs = {"rtmp://h/app/k1", "hls:/tmp#codec=hevc"};
  CHECK_MESSAGE(validate(mixed), validate(mixed).error());
  mixed.engine.outputs = {"rtmp://h/app/k1#codec=hevc"};
  CHECK(validate(mixed).error().find("cannot carry HEVC") != std::string::npos);
  // A stream in HEVC with its RTMP output in H.264: fine.
  mixed.engine.codec = VideoCodec::hevc;
  mixed.engine.outputs = {"rtmp://h/app/k1#codec=h264", "hls:/tmp"};
  CHECK_MESSAGE(validate(mixed), validate(mixed).error());

  // Splice mode: one cache per profile, as long as nothing is composed per song for them.
  AppConfig splice = base();
  splice.engine.video_mode = VideoMode::splice;
  splice.engine.outputs = {"a.flv", "b.flv#size=640x360", "hls:/tmp/a#codec=hevc"};
  CHECK_MESSAGE(validate(splice), validate(splice).error());
  splice.engine.title_card.seconds = 5;
  CHECK(validate(splice).error().find("composed for the stream's own picture only") != std::string::npos);
  splice.engine.title_card.seconds = 0;
  splice.engine.background = Background::art;
  CHECK(validate(splice).error().find("composed for the stream's own picture only") != std::string::npos);
  splice.engine.background = Background::loop;
  splice.control.live_loop = "@live";
  CHECK(validate(splice).error().find("live_loop @live") != std::string::npos);
  splice.engine.outputs = {"a.flv", "b.flv#vbitrate=2500k"};  // the stream's own profile, named: no profile of its own
  CHECK(validate(splice));
  splice.control.live_loop.clear();
  splice.engine.codec = VideoCodec::hevc;  // HEVC splice: the loops cached in HEVC
  splice.engine.outputs = {"hls:/tmp/a", "srt://h:9000"};
  CHECK_MESSAGE(validate(splice), validate(splice).error());
  splice.engine.codec = VideoCodec::h264;
  splice.engine.video_mode = VideoMode::automatic;
  splice.engine.title_card.seconds = 5;
  splice.engine.outputs = {"a.flv", "b.flv#size=640x360"};
  CHECK(validate(splice));  // auto encodes for them

  AppConfig bad = base();
  bad.engine.outputs = {"rtmp://h/app/sekrit-2#size=640x480"};
  CHECK(validate(bad).error().find("not the shape") != std::string::npos);
  CHECK(validate(bad).error().find("sekrit-2") == std::string::npos);
}

TEST_CASE("output profiles in a config file: the object form, and its mistakes") {
  AppConfig c;
  REQUIRE(apply_config_json(c, R"({"output": [{"url": "twitch://k_1", "size": "1920x1080", "vbitrate": 6000000}, "a.flv"]})"));
  REQUIRE(c.engine.outputs.size() == 2);
  CHECK(c.engine.outputs[0] == "twitch://k_1#size=1920x1080&vbitrate=6000000");
  CHECK(c.engine.outputs[1] == "a.flv");
  REQUIRE(apply_config_json(c, R"({"output": {"url": "hls:/srv/hls", "codec": "hevc"}})"));
  CHECK(c.engine.outputs == std::vector<std::string>{"hls:/srv/hls#codec=hevc"});
  CHECK(apply_config_json(c, R"({"output": [{"size": "1920x1080"}]})").error().find("needs \"url\"") != std::string::npos);
  CHECK(apply_config_json(c, R"({"output": [{"url": "a.flv", "fps": 60}]})").error().find("unknown key 'fps'") != std::string::npos);
  CHECK(apply_config_json(c, R"({"output": [{"url": "a.flv#size=640x360", "codec": "hevc"}]})").error().find("give one") !=
        std::string::npos);
  CHECK(apply_config_json(c, R"({"output": [{"url": "a.flv", "size": 640}]})").error().find("'size' must be a string") !=
        std::string::npos);
}

TEST_CASE("a stream's backup ingest takes its primary's profile, and the same ingest under two profiles is one ingest") {
  StreamSpec s;
  s.id = "main";
  s.backup = true;
  s.cfg.engine.outputs = {"rtmps://a.rtmps.youtube.com:443/live2/key-9#size=1920x1080"};
  REQUIRE(resolve_backup_outputs(s));
  REQUIRE(s.backup_outputs.size() == 1);
  CHECK(s.backup_outputs[0] == "rtmps://b.rtmps.youtube.com:443/live2?backup=1/key-9#size=1920x1080");

  StreamSpec a, b;
  a.id = "a";
  b.id = "b";
  a.cfg.engine.outputs = {"rtmp://h/app/k"};
  b.cfg.engine.outputs = {"rtmp://h/app/k#vbitrate=1000k"};
  CHECK(validate_streams({a, b}).error().find("already stream 'a''s") != std::string::npos);
}

TEST_CASE("output profiles: the same ingest twice is refused, and a stream's backup outputs are checked like its outputs") {
  AppConfig c;
  c.engine.loop = "x.mp4";
  c.engine.outputs = {"hls:/srv/live#size=1280x720", "hls:/srv/live#size=640x360"};
  CHECK(validate(c).error().find("is given twice") != std::string::npos);
  c.engine.outputs = {"twitch://dup_key_1", "rtmp://live.twitch.tv/app/dup_key_1#vbitrate=1000k"};  // the shortcut is that URL
  const std::string twice = validate(c).error();
  CHECK(twice.find("is given twice") != std::string::npos);
  CHECK(twice.find("dup_key_1") == std::string::npos);

  StreamSpec s;
  s.id = "bk";
  s.cfg.engine.loop = "x.mp4";
  s.cfg.engine.outputs = {"a.flv"};
  s.backup_outputs = {"b.flv#size=640x480"};  // not the stream's shape
  const std::string backup = validate_stream(s).error();
  CHECK_MESSAGE(backup.find("backup:") != std::string::npos, backup);
  CHECK_MESSAGE(backup.find("profile size=640x480") != std::string::npos, backup);
  s.backup_outputs = {"b.flv#size=640x360"};
  CHECK(validate_stream(s));
}

TEST_CASE("output profiles: the logo keeps its share of the picture at each profile's size") {
  EngineConfig s;
  s.width = 1280;
  s.height = 720;
  s.logo.file = "logo.png";
  s.logo.size = 160;
  const EngineConfig small = with_profile(s, OutputProfile{640, 360, 800'000, VideoCodec::h264});
  CHECK(small.logo.size == 80);
  CHECK_FALSE(small.logo.image);  // read again at that size (load_logo)
  CHECK(with_profile(s, OutputProfile{1280, 720, 900'000, VideoCodec::hevc}).logo.size == 160);
}
