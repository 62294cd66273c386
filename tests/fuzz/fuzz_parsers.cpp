// libFuzzer target for every parser that takes outside input: the AzuraCast webhook body, the
// control.json command, the JSON config and the track mapping. The first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/azuracast.hpp"
#include "control/config.hpp"
#include "control/file_protocol.hpp"
#include "control/track_map.hpp"

using namespace loopcast;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto np = parse_nowplaying(text);
      if (np && np->track.text.empty() && np->track.song_id.empty()) __builtin_trap();  // parser contract
      break;
    }
    case 1: {
      auto c = parse_control(text);
      if (c && c->command != "start" && c->command != "stop" && c->command != "restart" && c->command != "switch") __builtin_trap();
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
  }
  return 0;
}
