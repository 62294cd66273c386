// Streaming platforms by name: `youtube://KEY`, `youtube-backup://KEY`, `twitch://KEY` and
// `facebook://KEY` stand for each platform's RTMP(S) ingest URL with the key, and an output that
// reaches a platform (by shortcut or by its ingest host) is checked against what that ingest
// refuses, at start, before anything is sent. The numbers are the platforms' published limits (as
// OBS's rtmp-services enforces them, and Meta's Live Video API reference); see docs/outputs.md.
// Kick has no shortcut: its ingest host differs per channel (give the rtmps:// URL it shows); that
// host (Amazon IVS, *contribute.live-video.net) is checked against IVS's limits.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "engine/engine_config.hpp"

namespace loopcast {

struct Platform {
  std::string_view name;    // "Twitch"
  std::string_view scheme;  // "twitch" (the shortcut), "" when none
  std::string_view ingest;  // the shortcut's URL, "{}" where the key goes
  std::string_view host_suffix;  // its ingest hosts end so (".twitch.tv"); "" when another entry claims them
  double keyframe_max_s;    // the longest keyframe interval the ingest takes
  bool keyframe_exact;      // Twitch: exactly that, not shorter
  int64_t max_video_bps;
  int64_t max_audio_bps;
  int max_width, max_height, max_fps;
};

// A stream key as the platforms issue them: letters, digits, '-' and '_' only (nothing that could
// change the URL it is put into).
bool is_stream_key(std::string_view key);
// Each takes an output as given: a '#' profile (engine/output/output_profile.hpp) is not part of the URL.
// The ingest URL a shortcut stands for; nullopt when `url` is no shortcut. An error for a shortcut
// without a usable key (named, never shown).
std::optional<Result<std::string>> expand_platform(std::string_view url);
// `url` with a shortcut expanded (as it is sent); any other URL, or a shortcut in error, as given
// (without its profile).
std::string ingest_url(std::string_view url);
// The platform an output reaches: its shortcut, or an ingest host of the platform
// (a.rtmps.youtube.com, live-fra.twitch.tv, live-api-s.facebook.com, ...); null for any other.
const Platform* platform_of(std::string_view url);
// Whether the settings the output is encoded with (the stream's, or its own profile's) are ones its
// platform takes; the error names the setting, the platform's limit and the output (redacted).
Status check_platform(std::string_view url, const EngineConfig& e);

}  // namespace loopcast
