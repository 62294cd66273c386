#include "engine/splice/cache_builder.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "base/log.hpp"
#include "engine/encoder.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/picture/logo_stamp.hpp"
#include "engine/splice/cache_file.hpp"
#include "engine/splice/cache_key.hpp"

namespace loopcast {
namespace {

// Frames of the cached loop: whole passes of the file, at least one GOP; 0 while unknown (the
// pass length is known once the source has wrapped).
int64_t frames_wanted(const LoopSource& src, const EngineConfig& cfg) {
  if (src.wraps() == 0) return 0;
  const int64_t pass = std::max<int64_t>(1, std::llround(src.pass_start() * cfg.fps));
  const int64_t gop = gop_frames(cfg);
  return (gop + pass - 1) / pass * pass;
}

Status encode_all(LoopSource& src, Encoder& enc, const EngineConfig& cfg, const std::atomic<bool>* cancel,
                  std::atomic<int64_t>* frames_done, std::vector<CachedPacket>& out) {
  const LogoStamp logo = make_logo_stamp(cfg.logo, cfg.width, cfg.height);
  const int gop = gop_frames(cfg);
  const int64_t cap = static_cast<int64_t>(kMaxCachedLoopSeconds * cfg.fps);
  auto sink = [&](AVPacket* p) { out.push_back(cached_packet(p)); };
  FramePtr frame = make_frame();
  for (int64_t i = 0;; ++i) {
    if (cancel && cancel->load()) return Error{"cancelled", Errc::unavailable};
    if (i >= cap) return Error{fmt::format("longer than {:.0f} s: not cached", kMaxCachedLoopSeconds), Errc::invalid};
    av_frame_ref(frame.get(), src.frame_at(static_cast<double>(i) / cfg.fps));
    // Checked after the read: the frame due at the pass end may already be the next pass's.
    if (const int64_t want = frames_wanted(src, cfg); want > 0 && i >= want) {
      av_frame_unref(frame.get());
      break;
    }
    frame->pts = i;
    // The logo is baked in here, by the stamp the encode path draws with: the same pixels on air.
    if (!logo.empty()) {
      if (av_frame_make_writable(frame.get()) < 0) return Error{"out of memory", Errc::internal};
      stamp_logo(frame.get(), logo);
    }
    // An IDR at frame 0 and at every GOP: the splicer enters a loop only at frame 0, which
    // restarts this rhythm, so keyframes stay <= one GOP apart across wraps and switches.
    Status st = enc.encode(frame.get(), i % gop == 0, sink);
    av_frame_unref(frame.get());
    if (!st) return st;
    if (frames_done) frames_done->store(i + 1, std::memory_order_relaxed);
  }
  return enc.encode(nullptr, false, sink);
}
}  // namespace

Result<std::unique_ptr<CachedLoop>> build_cache(const std::string& loop, const std::string& path, const EngineConfig& cfg,
                                                const std::atomic<bool>* cancel, std::atomic<int64_t>* frames_done) {
  auto fail = [&](const std::string& why, Errc code) { return Error{fmt::format("cache loop '{}': {}", loop, why), code}; };
  if (cfg.logo.enabled() && !cfg.logo.image) return fail("the logo is not loaded", Errc::internal);
  auto src = LoopSource::open(loop, VideoFormat{cfg.width, cfg.height, AV_PIX_FMT_YUV420P, cfg.fps, cfg.fit});
  if (!src) return fail(src.error(), src.code());
  (*src)->set_cancel(cancel);
  auto enc = Encoder::tuned(cfg, cache_tuning(cfg));
  if (!enc) return fail(enc.error(), enc.code());
  std::vector<CachedPacket> packets;
  if (Status st = encode_all(**src, *enc, cfg, cancel, frames_done, packets); !st) return fail(st.error(), st.code());
  const CacheMeta meta{loop, cache_profile(cfg), cfg.fps, gop_frames(cfg)};
  if (Status st = write_cache(path, enc->ctx(), packets, meta); !st) return fail(st.error(), st.code());
  // Hand back what every later reader sees, checked the same way (and never keep a bad entry).
  auto cached = read_cache(path, meta);
  if (!cached) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return fail(cached.error(), Errc::internal);
  }
  return cached;
}

}  // namespace loopcast
