#include "engine/output/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "base/redact.hpp"
#include "base/url.hpp"
#include "engine/output/output_profile.hpp"

namespace loopcast {
namespace {

// YouTube: keyframes never over 4 s, up to 51 Mb/s (4K), AAC up to 160 kb/s (OBS's table).
// Twitch: keyframes exactly 2 s, 6000 kb/s video, 320 kb/s audio, H.264 up to 1080p60.
// Facebook: keyframes at most 4 s, 9000 kb/s (1080p60), audio at most 256 kb/s, RTMPS.
// Amazon IVS, Kick's ingest (*contribute.live-video.net, the host shown per channel): AWS's IVS
// streaming configuration: keyframes every 2 s at most, 8.5 Mb/s, AAC up to 160 kb/s, 1080p60.
constexpr std::array<Platform, 5> kPlatforms{{
    {"YouTube", "youtube", "rtmps://a.rtmps.youtube.com:443/live2/{}", ".youtube.com", 4, false, 51'000'000, 160'000, 3840, 2160, 60},
    {"YouTube", "youtube-backup", "rtmps://b.rtmps.youtube.com:443/live2?backup=1/{}", "", 4, false, 51'000'000, 160'000, 3840, 2160, 60},
    {"Twitch", "twitch", "rtmp://live.twitch.tv/app/{}", ".twitch.tv", 2, true, 6'000'000, 320'000, 1920, 1080, 60},
    {"Facebook", "facebook", "rtmps://live-api-s.facebook.com:443/rtmp/{}", ".facebook.com", 4, false, 9'000'000, 256'000, 1920, 1080, 60},
    {"Kick (Amazon IVS)", "", "", "contribute.live-video.net", 2, false, 8'500'000, 160'000, 1920, 1080, 60},
}};

const Platform* by_scheme(std::string_view url) {
  for (const auto& p : kPlatforms)
    if (!p.scheme.empty() && url.size() >= p.scheme.size() + 3 && url.substr(0, p.scheme.size()) == p.scheme &&
        url.substr(p.scheme.size(), 3) == "://")
      return &p;
  return nullptr;
}

std::string kbps(int64_t bps) { return fmt::format("{}k", bps / 1000); }
}  // namespace

bool is_stream_key(std::string_view key) {
  return std::all_of(key.begin(), key.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

std::optional<Result<std::string>> expand_platform(std::string_view output) {
  const std::string_view url = output_address(output);
  const Platform* p = by_scheme(url);
  if (!p) return std::nullopt;
  const std::string_view key = url.substr(p->scheme.size() + 3);
  if (key.empty()) return Error{fmt::format("{}://KEY needs the stream key", p->scheme), Errc::invalid};
  if (key == "{key}") return Error{fmt::format("{}://{{key}} needs LOOPCAST_STREAM_KEY in the environment", p->scheme), Errc::invalid};
  if (!is_stream_key(key))
    return Error{fmt::format("{}://KEY: a stream key holds only letters, digits, '-' and '_', nothing after it", p->scheme), Errc::invalid};
  return fmt::format(fmt::runtime(p->ingest), key);
}

std::string ingest_url(std::string_view output) {
  auto expanded = expand_platform(output);
  return expanded && *expanded ? **expanded : std::string(output_address(output));
}

const Platform* platform_of(std::string_view output) {
  const std::string_view url = output_address(output);
  if (const Platform* p = by_scheme(url)) return p;
  if (url.substr(0, 11) == "youtube-hls") return &kPlatforms.front();  // youtube-hls://, youtube-hls-backup://
  const std::string host = url_host(url);
  if (host.empty() || url.substr(0, 4) != "rtmp") return nullptr;
  for (const auto& p : kPlatforms)
    if (!p.host_suffix.empty() && host.size() > p.host_suffix.size() && host.ends_with(p.host_suffix)) return &p;
  return nullptr;
}

Status check_platform(std::string_view output, const EngineConfig& stream) {
  const Platform* p = platform_of(output);
  if (!p) return Status::ok();
  auto profile = output_profile(output, stream);
  if (!profile) return profile.forward();
  const EngineConfig e = with_profile(stream, *profile);  // the encode this output gets
  const auto refused = [&](const std::string& what) {
    return Error{fmt::format("output '{}' ({}): {}", shown_output(output), p->name, what), Errc::invalid};
  };
  if (p->keyframe_exact ? std::fabs(e.keyframe_interval - p->keyframe_max_s) > 1e-9 : e.keyframe_interval > p->keyframe_max_s)
    return refused(fmt::format("keyframe_interval {:g} s: {} takes {} {:g} s", e.keyframe_interval, p->name,
                               p->keyframe_exact ? "exactly" : "at most", p->keyframe_max_s));
  if (e.video_bitrate > p->max_video_bps)
    return refused(fmt::format("video_bitrate {} is over the {} {} takes", kbps(e.video_bitrate), kbps(p->max_video_bps), p->name));
  if (e.audio_bitrate > p->max_audio_bps)
    return refused(fmt::format("audio_bitrate {} is over the {} {} takes", kbps(e.audio_bitrate), kbps(p->max_audio_bps), p->name));
  if (e.width > p->max_width || e.height > p->max_height)
    return refused(fmt::format("size {}x{} is over the {}x{} {} takes", e.width, e.height, p->max_width, p->max_height, p->name));
  if (e.fps > p->max_fps) return refused(fmt::format("fps {} is over the {} {} takes", e.fps, p->max_fps, p->name));
  return Status::ok();
}

}  // namespace loopcast
