// When a song's picture change is due, and whether a "new" song is the one already playing. The
// rules of the triggers (AzuraCast runs 5–30 s ahead of the audio; an ICY title sits in the audio
// itself; a manual request applies at once), kept apart from the supervisor that applies them.
#pragma once
#include <ctime>

#include "control/mapping/track.hpp"

namespace loopcast {

// Same song again (AzuraCast may POST every cycle): compares the most specific identity known.
bool same_song(const TrackInfo& a, const TrackInfo& b);

// Seconds from now until the picture should change for `track`. `configured`: --switch-delay.
// Station metadata waits `configured`, counted from the song's played_at when the trigger gives it
// (a late webhook waits less); an ICY title waits until its audio is heard; requests do not wait.
double switch_delay_for(const TrackInfo& track, double configured, std::time_t now);

}  // namespace loopcast
