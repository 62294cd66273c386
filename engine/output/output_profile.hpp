// An output's own picture (simulcast): `--output 'twitch://{key}#size=1920x1080&vbitrate=6000k'`
// gives that output its own size, video bitrate and codec; what it does not name is the stream's.
// The picture is composed once at the stream's size; each distinct profile is one encoder (scaled
// from that picture), shared by every output that has it. Frame rate, keyframe interval and the
// sound are the stream's for every output: one clock, one AAC encode.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "engine/engine_config.hpp"

namespace loopcast {

struct OutputProfile {
  int width = 0, height = 0;
  int64_t video_bitrate = 0;
  VideoCodec codec = VideoCodec::h264;
  bool operator==(const OutputProfile&) const = default;
};

// The output without its profile: what is connected to ("rtmp://h/app/KEY#size=..." → "rtmp://h/app/KEY").
// A '#' starts the profile: an output URL or path never has one of its own (write %23).
std::string_view output_address(std::string_view output);
// The text after '#' ("size=1920x1080&vbitrate=6000k"), "" when none.
std::string_view profile_text(std::string_view output);
// What logs, status and metrics show for an output: the address redacted (keys hidden), then its profile.
std::string shown_output(std::string_view output);
// The stream's own profile.
OutputProfile stream_profile(const EngineConfig& stream);
// The output's profile: the stream's, with what its '#' part names. Errors name the output's
// profile key, the value and what is accepted: an unknown key, a size of another shape than the
// stream's (the one composed picture is scaled, never stretched), a bitrate out of 100k..20M.
Result<OutputProfile> output_profile(std::string_view output, const EngineConfig& stream);
// The stream's settings as the encoder (or the splice cache) of `p` sees them; the logo at its
// share of the picture, not loaded (load_logo).
EngineConfig with_profile(EngineConfig stream, const OutputProfile& p);

// The encoders a stream runs: each distinct profile once, in the order outputs first name them,
// and which one each output takes (of_output[i] for stream.outputs[i]). `stream_first`: the
// stream's own profile is rendition 0 whether an output takes it or not (splice mode: title cards,
// scenes and the preview are made for it).
struct Renditions {
  std::vector<OutputProfile> profiles;
  std::vector<size_t> of_output;
};
Result<Renditions> plan_renditions(const EngineConfig& stream, bool stream_first = false);
// True when every output takes the stream's own profile (no rendition beyond the stream's own);
// false too when a profile is in error.
bool stream_profile_only(const EngineConfig& stream);

}  // namespace loopcast
