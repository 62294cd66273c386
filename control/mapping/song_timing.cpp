#include "control/mapping/song_timing.hpp"

#include <algorithm>

namespace loopcast {

bool same_song(const TrackInfo& a, const TrackInfo& b) {
  // A DJ going on or off air changes the picture even where the song data stays the same.
  if (a.live != b.live || a.streamer != b.streamer) return false;
  if (a.sh_id && b.sh_id) return a.sh_id == b.sh_id;
  if (!a.song_id.empty() && !b.song_id.empty()) return a.song_id == b.song_id;
  return station_text(a) == station_text(b);
}

double switch_delay_for(const TrackInfo& track, double configured, std::time_t now) {
  if (track.source == TrackSource::icy) return track.heard_in;
  double delay = is_station_metadata(track) ? configured : 0.0;
  // A played_at older than an hour (or in the future) is a clock problem, not a late webhook.
  if (track.played_at > 0 && delay > 0) {
    const double since = static_cast<double>(now - track.played_at);
    if (since > 0 && since < 3600) delay = std::max(0.0, delay - since);
  }
  return delay;
}

}  // namespace loopcast
