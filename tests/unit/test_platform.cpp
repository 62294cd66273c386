// engine/output/platform: youtube://, twitch://, facebook:// stand for the platforms' ingest URLs,
// the key is never shown, and what a platform's ingest refuses is refused at start, named.
#include <doctest/doctest.h>

#include <string>

#include "base/redact.hpp"
#include "engine/output/output_kind.hpp"
#include "engine/output/platform.hpp"

using namespace loopcast;

TEST_CASE("platform shortcuts: each stands for its ingest URL with the key, as an RTMP output") {
  const std::pair<const char*, const char*> cases[] = {
      {"youtube://abcd-1234", "rtmps://a.rtmps.youtube.com:443/live2/abcd-1234"},
      {"youtube-backup://abcd-1234", "rtmps://b.rtmps.youtube.com:443/live2?backup=1/abcd-1234"},
      {"twitch://live_123_abc", "rtmp://live.twitch.tv/app/live_123_abc"},
      {"facebook://FB-99_x", "rtmps://live-api-s.facebook.com:443/rtmp/FB-99_x"},
  };
  for (const auto& [shortcut, ingest] : cases) {
    CAPTURE(shortcut);
    auto t = parse_output(shortcut);
    REQUIRE_MESSAGE(t, t.error());
    CHECK(t->kind == OutputKind::rtmp);
    CHECK(t->muxer_url == ingest);
    const std::string shown = redact_url(shortcut, true);
    CHECK(shown.find("****") != std::string::npos);
    CHECK(shown.find(std::string(shortcut).substr(std::string(shortcut).find("://") + 3)) == std::string::npos);
    REQUIRE(platform_of(shortcut) != nullptr);
    CHECK(platform_of(shortcut)->name == platform_of(ingest)->name);  // the same limits by shortcut or by host
  }
  // Bad keys: refused with the form, the key not echoed.
  for (const char* bad : {"twitch://", "twitch://a/b", "facebook://{key}", "youtube://key?x=1"}) {
    CAPTURE(bad);
    auto t = parse_output(bad);
    REQUIRE_FALSE(t);
    CHECK((t.error().find("stream key") != std::string::npos || t.error().find("LOOPCAST_STREAM_KEY") != std::string::npos));
  }
  CHECK_FALSE(expand_platform("rtmp://example.org/live/k").has_value());
  CHECK(platform_of("rtmp://example.org/live/k") == nullptr);
  CHECK(platform_of("rtmp://live-fra.twitch.tv/app/k")->name == "Twitch");
  CHECK(platform_of("youtube-hls://k")->name == "YouTube");
  CHECK(platform_of("https://www.youtube.com/watch") == nullptr);  // not an ingest
}

TEST_CASE("platform limits: what an ingest refuses is refused before anything is sent, named with the limit") {
  EngineConfig e;  // 1280x720@30, 2500k, AAC 128k, keyframes every 2 s: every platform takes it
  for (const char* url : {"youtube://k", "twitch://k", "facebook://k", "rtmps://a.rtmps.youtube.com:443/live2/k", "rtmp://example.org/x/k"})
    CHECK_MESSAGE(check_platform(url, e), url);

  EngineConfig fast = e;
  fast.video_bitrate = 8'000'000;
  auto st = check_platform("twitch://secret-key", fast);
  REQUIRE_FALSE(st);
  CHECK(st.error() == "output 'twitch://****' (Twitch): video_bitrate 8000k is over the 6000k Twitch takes");
  CHECK(check_platform("youtube://k", fast));             // YouTube takes 8 Mb/s
  CHECK(check_platform("rtmp://example.org/x/k", fast));  // an unknown ingest is not second-guessed

  EngineConfig gop3 = e;
  gop3.keyframe_interval = 3;
  CHECK_FALSE(check_platform("rtmp://live-ams.twitch.tv/app/k", gop3));  // Twitch: exactly 2 s
  CHECK(check_platform("facebook://k", gop3));                           // at most 4 s
  gop3.keyframe_interval = 1;
  CHECK(check_platform("twitch://k", gop3).error().find("exactly 2 s") != std::string::npos);
  EngineConfig gop5 = e;
  gop5.keyframe_interval = 5;
  CHECK(check_platform("youtube://k", gop5).error().find("at most 4 s") != std::string::npos);

  EngineConfig loud = e;
  loud.audio_bitrate = 192'000;
  CHECK(check_platform("youtube://k", loud).error().find("audio_bitrate 192k is over the 160k YouTube takes") != std::string::npos);
  CHECK(check_platform("facebook://k", loud));

  EngineConfig big = e;
  big.width = 2560, big.height = 1440;
  CHECK(check_platform("facebook://k", big).error().find("size 2560x1440") != std::string::npos);
  CHECK(check_platform("youtube://k", big));
}

TEST_CASE("platform limits: Kick's ingest (Amazon IVS) by its host, at most 2 s keyframes and 8500k") {
  const std::string kick = "rtmps://fa723fc1b171.global-contribute.live-video.net:443/app/sk_us-west-2_kick0secret";
  REQUIRE(platform_of(kick) != nullptr);
  CHECK(platform_of(kick)->name == "Kick (Amazon IVS)");
  CHECK_FALSE(expand_platform("://x").has_value());  // no shortcut of its own
  EngineConfig e;
  CHECK(check_platform(kick, e));
  e.keyframe_interval = 3;
  const std::string slow = check_platform(kick, e).error();
  CHECK(slow.find("takes at most 2 s") != std::string::npos);
  CHECK(slow.find("kick0secret") == std::string::npos);
  e.keyframe_interval = 2;
  e.video_bitrate = 9'000'000;
  CHECK(check_platform(kick, e).error().find("over the 8500k") != std::string::npos);
  CHECK(check_platform(kick + "#vbitrate=6000k", e));  // its own profile within the limit
}
