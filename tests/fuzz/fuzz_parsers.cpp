// libFuzzer target for every parser that takes outside input: the AzuraCast webhook body, the
// control.json command, the JSON config, the track mapping and AzuraCast's live feed (SSE bytes,
// Centrifugo messages), and the YouTube Data API answers. The first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <string>

#include <vector>

#include "api/azuracast.hpp"
#include "api/centrifugo.hpp"
#include "api/youtube/youtube_parse.hpp"
#include "control/config/config.hpp"
#include "control/files/file_protocol.hpp"
#include "control/mapping/track_map.hpp"

using namespace loopcast;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto np = parse_nowplaying(text);
      if (np && np->track.text.empty() && np->track.song_id.empty()) __builtin_trap();  // parser contract
      break;
    }
    case 1: {
      auto c = parse_control(text);
      if (c && std::string(to_string(c->command)) == "?") __builtin_trap();  // a value outside the table
      break;
    }
    case 2: {
      AppConfig cfg;
      if (apply_config_json(cfg, text)) (void)validate(cfg);
      break;
    }
    case 3: {
      auto m = TrackMap::parse(text, "/nonexistent-loops");
      if (m) {
        TrackInfo t;
        t.artist = "a";
        t.title = "b";
        (void)m->resolve(t);
      }
      break;
    }
    case 4: {
      // Two reads cut at an arbitrary point, as the network delivers them.
      SseSplitter split;
      std::vector<std::string> events;
      const size_t cut = text.empty() ? 0 : static_cast<uint8_t>(text[0]) % text.size();
      if (split.feed(std::string_view(text).substr(0, cut), events)) (void)split.feed(std::string_view(text).substr(cut), events);
      for (const auto& e : events) {
        auto m = parse_feed_message(e, "station:loopcast_fm");
        if (m && m->np && m->np->track.text.empty() && m->np->track.song_id.empty()) __builtin_trap();  // parser contract
      }
      break;
    }
    case 5: {
      (void)parse_live_streams(text);
      (void)parse_broadcasts(text);
      (void)parse_broadcast(text);
      (void)parse_concurrent_viewers(text);
      (void)classify_answer(403, text);
      break;
    }
  }
  return 0;
}
