// Issue 28, per-platform presets through the real binary: a setting the platform's ingest refuses
// is refused at start (exit 2) with the setting and the limit named, before any connection, and
// the stream key is in no line of the log. (No test reaches a real platform: only refusals here;
// the shortcuts' URLs are checked in tests/unit/test_platform.cpp.)
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

TEST_CASE("platform presets: twitch:// over 6000k, youtube:// with 192k audio, facebook:// at 1440p are refused, named, key unseen") {
  const std::string key = "live_8f3kq9ZpX2secret";
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const Case cases[] = {
      {{"--output", "twitch://" + key, "--vbitrate", "8000k"},
       "output 'twitch://****' (Twitch): video_bitrate 8000k is over the 6000k Twitch takes"},
      {{"--output", "youtube://" + key, "--abitrate", "192k"}, "audio_bitrate 192k is over the 160k YouTube takes"},
      {{"--output", "facebook://" + key, "--size", "2560x1440"}, "size 2560x1440 is over the 1920x1080 Facebook takes"},
      {{"--output", "rtmp://live-fra.twitch.tv/app/" + key, "--keyframe-interval", "4"}, "Twitch takes exactly 2 s"},
      {{"--output", "twitch://" + key + "/extra"}, "a stream key holds only letters, digits"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.says);
    std::vector<std::string> args{"--duration", "1", "--http-port", "0"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Loopcast lc(args);
    CHECK(lc.wait(15) == 2);
    const std::string log = lc.log();
    CHECK_MESSAGE(log.find(c.says) != std::string::npos, log);
    CHECK_MESSAGE(log.find(key) == std::string::npos, log);
  }
}
