// What is playing: the fields of AzuraCast's NowPlaying song (or an ICY title / manual request)
// that the track map uses to choose a loop video.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace loopcast {

// Where a song (or a switch request) came from: status.json track.source, logs.
enum class TrackSource {
  none,            // no song yet
  webhook,         // AzuraCast's webhook
  azuracast_rest,  // AzuraCast's now-playing API (polled)
  azuracast_sse,   // AzuraCast's live now-playing feed
  icy,             // the station stream's ICY StreamTitle
  api,             // POST /api/v1/track or a manual loop switch
  schedule,        // a time rule's edge (a loop only, no song)
};

// The one spelling of each source: status.json and logs use it ("" for none).
inline std::string to_string(TrackSource s) {
  switch (s) {
    case TrackSource::none: return "";
    case TrackSource::webhook: return "webhook";
    case TrackSource::azuracast_rest: return "azuracast-rest";
    case TrackSource::azuracast_sse: return "azuracast-sse";
    case TrackSource::icy: return "icy";
    case TrackSource::api: return "api";
    case TrackSource::schedule: return "schedule";
  }
  return "unknown";
}

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
  TrackSource source = TrackSource::none;
  double heard_in = 0;    // ICY: seconds until listeners hear the audio the title belongs to
  bool live = false;      // AzuraCast live.is_live: a DJ is on air (--live-loop takes the picture)
  std::string streamer;   // live.streamer_name
  std::string next;       // playing_next.song, "Artist – Title" (title cards' "Up next"); never matched
};

// The station's text for the song: its own, or "Artist - Title" built as stations write it (a
// hyphen). Data, not display: mapping rules match it and repeats of a song compare it.
inline std::string station_text(const TrackInfo& t) { return t.text.empty() ? t.artist + " - " + t.title : t.text; }

// Artist and title from the station's text (an ICY StreamTitle, a song with text only), split at
// its first " - "; without one, the whole text is the title.
inline void split_station_text(TrackInfo& t) {
  if (auto dash = t.text.find(" - "); dash != std::string::npos) {
    t.artist = t.text.substr(0, dash);
    t.title = t.text.substr(dash + 3);
  } else {
    t.title = t.text;
  }
}

// The song as the overlay and the logs show it: "Artist – Title" (one en dash) when both are known, else the
// station's own text; empty for a manual loop switch (the overlay keeps its text).
inline std::string display_text(const TrackInfo& t) {
  if (!t.artist.empty() && !t.title.empty()) return t.artist + " \u2013 " + t.title;
  return t.text;
}

// AzuraCast's own now-playing data (webhook, REST or live feed) runs ahead of the audio the
// listeners hear: the switch delay and played_at apply to it, not to ICY titles or manual requests.
inline bool is_station_metadata(const TrackInfo& t) {
  return t.source == TrackSource::webhook || t.source == TrackSource::azuracast_rest || t.source == TrackSource::azuracast_sse;
}

}  // namespace loopcast
