// Parsing of AzuraCast's "Generic Web Hook" body: the whole NowPlaying object POSTed by the station.
#pragma once
#include <rapidjson/fwd.h>

#include <string>
#include <string_view>

#include "control/mapping/track.hpp"
#include "base/result.hpp"

namespace loopcast {

struct NowPlaying {
  std::string station;   // station.shortcode (or name when no shortcode)
  bool is_online = true;
  TrackInfo track;       // from now_playing.song (+ sh_id, played_at, playlist, live), source = "webhook"
};

// Errc::invalid with a message naming the offending field for malformed JSON, a missing
// now_playing.song, or wrong types. Unknown extra fields are ignored.
Result<NowPlaying> parse_nowplaying(std::string_view body);
// The same for a NowPlaying object already parsed (the `np` of AzuraCast's REST and live feeds),
// so webhook, REST and SSE share one parser. source is "webhook"; callers set their own.
Result<NowPlaying> parse_nowplaying(const rapidjson::Value& doc);

}  // namespace loopcast
