#include "engine/output/platform.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>

#include "base/redact.hpp"

namespace loopcast {
namespace {

// YouTube: keyframes never over 4 s, up to 51 Mb/s (4K), AAC up to 160 kb/s (OBS's table).
// Twitch: keyframes exactly 2 s, 6000 kb/s video, 320 kb/s audio, H.264 up to 1080p60.
// Facebook: keyframes at most 4 s, 9000 kb/s (1080p60), audio at most 256 kb/s, RTMPS.
constexpr std::array<Platform, 4> kPlatforms{{
    {"YouTube", "youtube", "rtmps://a.rtmps.youtube.com:443/live2/{}", 4, false, 51'000'000, 160'000, 3840, 2160, 60},
    {"YouTube", "youtube-backup", "rtmps://b.rtmps.youtube.com:443/live2?backup=1/{}", 4, false, 51'000'000, 160'000, 3840, 2160, 60},
    {"Twitch", "twitch", "rtmp://live.twitch.tv/app/{}", 2, true, 6'000'000, 320'000, 1920, 1080, 60},
    {"Facebook", "facebook", "rtmps://live-api-s.facebook.com:443/rtmp/{}", 4, false, 9'000'000, 256'000, 1920, 1080, 60},
}};

bool ends_with(std::string_view s, std::string_view tail) { return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail; }

std::string_view host_of(std::string_view url) {
  const auto start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view rest = url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  return rest.substr(0, rest.find(':'));
}

const Platform* by_scheme(std::string_view url) {
  for (const auto& p : kPlatforms)
    if (url.size() >= p.scheme.size() + 3 && url.substr(0, p.scheme.size()) == p.scheme && url.substr(p.scheme.size(), 3) == "://")
      return &p;
  return nullptr;
}

std::string kbps(int64_t bps) { return fmt::format("{}k", bps / 1000); }
}  // namespace

std::optional<Result<std::string>> expand_platform(std::string_view url) {
  const Platform* p = by_scheme(url);
  if (!p) return std::nullopt;
  const std::string_view key = url.substr(p->scheme.size() + 3);
  if (key.empty()) return Error{fmt::format("{}://KEY needs the stream key", p->scheme), Errc::invalid};
  if (key == "{key}") return Error{fmt::format("{}://{{key}} needs LOOPCAST_STREAM_KEY in the environment", p->scheme), Errc::invalid};
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return Error{fmt::format("{}://KEY: a stream key holds only letters, digits, '-' and '_', nothing after it", p->scheme),
                   Errc::invalid};
  return fmt::format(fmt::runtime(p->ingest), key);
}

const Platform* platform_of(std::string_view url) {
  if (const Platform* p = by_scheme(url)) return p;
  if (url.substr(0, 12) == "youtube-hls:" || url.substr(0, 19) == "youtube-hls-backup:") return &kPlatforms[0];
  const std::string_view host = host_of(url);
  if (host.empty() || url.substr(0, 4) != "rtmp") return nullptr;
  if (ends_with(host, ".youtube.com")) return &kPlatforms[0];
  if (ends_with(host, ".twitch.tv")) return &kPlatforms[2];
  if (ends_with(host, ".facebook.com")) return &kPlatforms[3];
  return nullptr;
}

Status check_platform(std::string_view url, const EngineConfig& e) {
  const Platform* p = platform_of(url);
  if (!p) return Status::ok();
  const auto refused = [&](const std::string& what) {
    return Error{fmt::format("output '{}' ({}): {}", redact_url(url, true), p->name, what), Errc::invalid};
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
