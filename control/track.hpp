// What is playing: the fields of AzuraCast's NowPlaying song (or an ICY title / manual request)
// that the track map uses to choose a loop video.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace loopcast {

struct TrackInfo {
  std::string song_id;   // AzuraCast song.id (32 hex chars) when known
  std::string artist;
  std::string title;
  std::string text;      // "Artist - Title" as the station shows it
  std::string album;
  std::string playlist;  // now_playing.playlist
  std::string art;       // cover art URL
  std::map<std::string, std::string> custom_fields;
  int64_t sh_id = 0;      // AzuraCast song-history id: changes once per play
  int64_t played_at = 0;  // unix seconds when the song started on the station; 0 = unknown
  std::string source;     // "webhook", "azuracast-rest", "azuracast-sse", "icy", "api", "control-file"
};

// The song as the overlay shows it: "Artist – Title" (one en dash) when both are known, else the
// station's own text; empty for a manual loop switch (the overlay keeps its text).
inline std::string display_text(const TrackInfo& t) {
  if (!t.artist.empty() && !t.title.empty()) return t.artist + " \u2013 " + t.title;
  return t.text;
}

// AzuraCast's own now-playing data (webhook, REST or live feed) runs ahead of the audio the
// listeners hear: the switch delay and played_at apply to it, not to ICY titles or manual requests.
inline bool is_station_metadata(const TrackInfo& t) { return t.source == "webhook" || t.source.rfind("azuracast", 0) == 0; }

}  // namespace loopcast
