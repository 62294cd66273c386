#include "engine/splice/cache_key.hpp"

#include "engine/splice/sha256.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>


namespace loopcast {
namespace {
constexpr const char* kCachePreset = "slow";
// 3 B-frames with a pyramid: +0.7 dB SSIM over 2 B-frames without, +1.3 dB over live veryfast on
// the rig's hard loop; a clean cut comes at most 3 frames (100 ms at 30 fps) after a request.
constexpr int kCacheBFrames = 3;

// The lowest H.264 level whose macroblock limits hold the picture size and rate (Table A-1).
const char* level_for(int width, int height, int fps) {
  const long frame_mbs = static_cast<long>((width + 15) / 16) * ((height + 15) / 16);
  const long mbs_per_s = frame_mbs * fps;
  if (frame_mbs <= 8192 && mbs_per_s <= 245760) return "4.1";
  if (frame_mbs <= 8704 && mbs_per_s <= 522240) return "4.2";
  if (frame_mbs <= 36864 && mbs_per_s <= 983040) return "5.1";
  return "5.2";
}

// The logo baked into the entry: its pixels (not its file name: the same picture under another
// name shares entries, a new picture under the same name does not), size, corner and opacity.
std::string logo_profile(const LogoConfig& logo) {
  if (!logo.enabled()) return "";
  if (!logo.image) return fmt::format("; logo '{}' not loaded", logo.file);  // (never built: the cache loads it first)
  Sha256 h;
  h.update(logo.image->rgba.data(), logo.image->rgba.size());
  return fmt::format("; logo {} {}x{} {} opacity {:.3f}", h.hex().substr(0, 32), logo.image->width, logo.image->height,
                     to_string(logo.position), logo.opacity);
}
}  // namespace

int gop_frames(const EngineConfig& cfg) { return std::max(1, static_cast<int>(std::lround(cfg.keyframe_interval * cfg.fps))); }

VideoTuning cache_tuning(const EngineConfig& cfg) {
  VideoTuning t;
  if (cfg.codec == VideoCodec::hevc) {
    // x265's medium: its slow costs 3x more for ~0.1 dB here. `info=0`: no version SEI in the
    // headers (a rebuilt x265 must not look like another bitstream); one worker thread, as x264's.
    t.preset = "medium";
    t.max_b_frames = kCacheBFrames;
    t.params = "b-pyramid=1:wpp=1:info=0:pools=1:frame-threads=1";
    return t;
  }
  t.preset = kCachePreset;
  t.max_b_frames = kCacheBFrames;
  t.threads = 1;  // a background job beside the live stream: one core at most
  t.params = fmt::format("scenecut=0:nal-hrd=cbr:force-cfr=1:stitchable=1:b-pyramid=normal:open-gop=0:ref=3:weightp=1:level={}",
                         level_for(cfg.width, cfg.height, cfg.fps));
  return t;
}

VideoTuning segment_tuning(const EngineConfig& cfg) {
  VideoTuning t = cache_tuning(cfg);
  t.preset = "veryfast";
  if (cfg.codec == VideoCodec::hevc) return t;
  // veryfast's subme 2 turns psy-rd off, and with it the -2 chroma QP offset psy-rd adds in the
  // cache's tuning (a PPS field): asked for here instead.
  // The rest is speed (a third less CPU per card at 720p, measured with the ffmpeg CLI): diamond
  // search, one refinement, no trellis or mb-tree, fixed B-frame placement — none reaches a header.
  t.params += ":rc-lookahead=10:chroma-qp-offset=-2:me=dia:subme=1:trellis=0:mixed-refs=0:b-adapt=0:mbtree=0";
  return t;
}

// The leading number is the cache's own version: it changes when what goes into an entry changes.
// 3: a source frame goes on air at the output frame at or just before it, whole-frame passes (1 cached a
// repeat-and-skip where a file's frame times sat a hair past the output grid; 2 let rounding noise
// pick among frames exactly half-way, e.g. 60 fps loops), so entries made before are rebuilt.
// 4: the fit mode, the pixel aspect ratio and the rotation shape the picture (issue 26); entries of
// 3 stretched every loop to the frame. A logo adds its part at the end (entries without one keep
// their names).
std::string cache_profile(const EngineConfig& cfg) {
  const VideoTuning t = cache_tuning(cfg);
  // (H.264 entries keep the names they had before HEVC came: the codec is named only when HEVC.)
  return fmt::format("loopcast-splice 4; {}{} {}x{} yuv420p bt709 tv sar1:1 fit {} {}fps gop{} closed {}b/s cbr vbv{}; preset {} bf{} {}{}",
                     cfg.codec == VideoCodec::hevc ? "hevc " : "", LIBAVCODEC_IDENT, cfg.width, cfg.height, to_string(cfg.fit), cfg.fps,
                     gop_frames(cfg), cfg.video_bitrate, cfg.video_bitrate * 2, t.preset, t.max_b_frames, t.params, logo_profile(cfg.logo));
}

Result<std::string> content_hash(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Error{fmt::format("hash '{}': cannot open", path), Errc::not_found};
  Sha256 h;
  if (!h) return Error{"SHA-256 not available in libavutil", Errc::unavailable};
  std::vector<uint8_t> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) h.update(buf.data(), n);
  if (std::ferror(f.get())) return Error{fmt::format("hash '{}': read error", path), Errc::invalid};
  return h.hex();
}

Result<std::string> cache_path(const std::string& cache_dir, const std::string& loop, const EngineConfig& cfg) {
  auto content = content_hash(loop);
  if (!content) return content;
  return cache_path(cache_dir, loop, *content, cfg);
}

std::string cache_path(const std::string& cache_dir, const std::string& loop, const std::string& content, const EngineConfig& cfg) {
  Sha256 h;  // (available: content_hash made `content` with it)
  const std::string profile = cache_profile(cfg);
  h.update(profile.data(), profile.size());
  const std::string stem = std::filesystem::path(loop).stem().string();
  return fmt::format("{}/{}-{}-{}.mp4", cache_dir, stem, content.substr(0, 32), h.hex().substr(0, 16));
}

std::string default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/loopcast";
  std::error_code ec;  // (service users often have no home: /nonexistent)
  if (const char* home = std::getenv("HOME"); home && *home && std::filesystem::is_directory(home, ec))
    return std::string(home) + "/.cache/loopcast";
  return "/tmp/loopcast-cache";
}

}  // namespace loopcast
