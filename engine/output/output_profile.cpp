#include "engine/output/output_profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/bitrate.hpp"
#include "base/redact.hpp"

namespace loopcast {
namespace {
constexpr int64_t kMinBitrate = 100'000, kMaxBitrate = 20'000'000;  // as the vbitrate key

Error bad(std::string_view output, std::string_view key, std::string_view value, std::string_view why) {
  return Error{fmt::format("output '{}': profile {}={}: {}", redact_url(std::string(output_address(output)), true), key, value, why),
               Errc::invalid};
}

// The same shape as the stream's picture, within rounding to even sizes (1920x1080 and 854x480
// are both 16:9): the one composed picture is scaled to it.
bool same_shape(int w, int h, const EngineConfig& s) {
  const double a = static_cast<double>(w) * s.height, b = static_cast<double>(s.width) * h;
  return std::abs(a - b) <= 0.01 * std::max(a, b);
}

Status apply(OutputProfile& p, std::string_view output, std::string_view key, std::string_view value, const EngineConfig& s) {
  const std::string v(value);
  if (key == "size") {
    const auto size = parse_picture_size(v);
    if (!size) return bad(output, key, value, "expected WIDTHxHEIGHT like 1920x1080");
    const int w = size->width, h = size->height;
    if (!picture_size_ok(w, h)) return bad(output, key, value, "width and height must be even, 16..3840 x 16..2160");
    if (!same_shape(w, h, s))
      return bad(
          output, key, value,
          fmt::format("not the shape of the stream's {}x{} (the picture is composed once and scaled for each output)", s.width, s.height));
    p.width = w;
    p.height = h;
  } else if (key == "vbitrate") {
    const auto bps = bitrate_from_text(value);
    if (!bps || *bps < kMinBitrate || *bps > kMaxBitrate) return bad(output, key, value, "expected 100k..20M, like 6000k");
    p.video_bitrate = *bps;
  } else if (key == "codec") {
    const auto c = parse_video_codec(value);
    if (!c) return bad(output, key, value, "expected h264 or hevc");
    p.codec = *c;
  } else {
    return bad(output, key, value, "unknown key (size, vbitrate, codec)");
  }
  return Status::ok();
}
}  // namespace

std::string_view output_address(std::string_view output) { return output.substr(0, output.find('#')); }

std::string_view profile_text(std::string_view output) {
  const auto hash = output.find('#');
  return hash == std::string_view::npos ? std::string_view{} : output.substr(hash + 1);
}

std::string shown_output(std::string_view output) {
  const std::string_view profile = profile_text(output);
  return redact_url(std::string(output_address(output)), true) + (profile.empty() ? "" : "#" + std::string(profile));
}

OutputProfile stream_profile(const EngineConfig& s) { return {s.width, s.height, s.video_bitrate, s.codec}; }

Result<OutputProfile> output_profile(std::string_view output, const EngineConfig& stream) {
  OutputProfile p = stream_profile(stream);
  if (output.find('#') == std::string_view::npos) return p;
  std::string_view rest = profile_text(output);
  if (rest.empty()) return bad(output, "", "", "a '#' with nothing after it (size=WxH, vbitrate=..., codec=...)");
  while (!rest.empty()) {
    const std::string_view item = rest.substr(0, rest.find('&'));
    rest = item.size() < rest.size() ? rest.substr(item.size() + 1) : std::string_view{};
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return bad(output, item, "", "expected key=value (size, vbitrate, codec)");
    if (Status st = apply(p, output, item.substr(0, eq), item.substr(eq + 1), stream); !st) return st.forward();
  }
  return p;
}

EngineConfig with_profile(EngineConfig s, const OutputProfile& p) {
  if (s.logo.enabled() && p.height != s.height) {
    // The logo keeps its share of the picture, as when the one composed picture is scaled (encode).
    s.logo.size = std::max(2, static_cast<int>(std::lround(static_cast<double>(s.logo.size) * p.height / s.height)));
    s.logo.image.reset();  // (load_logo reads it at that size)
  }
  s.width = p.width;
  s.height = p.height;
  s.video_bitrate = p.video_bitrate;
  s.codec = p.codec;
  return s;
}

Result<Renditions> plan_renditions(const EngineConfig& stream, bool stream_first) {
  Renditions r;
  if (stream_first) r.profiles.push_back(stream_profile(stream));
  for (const auto& o : stream.outputs) {
    auto p = output_profile(o, stream);
    if (!p) return p.forward();
    auto it = std::find(r.profiles.begin(), r.profiles.end(), *p);
    if (it == r.profiles.end()) it = r.profiles.insert(r.profiles.end(), *p);
    r.of_output.push_back(static_cast<size_t>(it - r.profiles.begin()));
  }
  return r;
}

bool stream_profile_only(const EngineConfig& stream) {
  auto r = plan_renditions(stream);
  return r && std::all_of(r->profiles.begin(), r->profiles.end(), [&](const OutputProfile& p) { return p == stream_profile(stream); });
}

}  // namespace loopcast
