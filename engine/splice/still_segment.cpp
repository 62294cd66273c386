#include "engine/splice/still_segment.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "engine/encoder.hpp"
#include "engine/picture/logo_stamp.hpp"
#include "engine/splice/cache_file.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/card_cache.hpp"
#include "engine/splice/segment_encoder.hpp"
#include "engine/splice/sha256.hpp"

namespace loopcast {
namespace {
// The entry's name: the picture's pixels and every setting of the bitstream (the logo included).
std::string still_key(const AVFrame* f, const EngineConfig& cfg) {
  Sha256 h;
  for (int plane = 0; plane < 3; ++plane) {
    const int w = plane ? f->width / 2 : f->width, rows = plane ? f->height / 2 : f->height;
    for (int r = 0; r < rows; ++r) h.update(f->data[plane] + r * f->linesize[plane], static_cast<size_t>(w));
  }
  const std::string profile = "still 2\n" + cache_profile(cfg);
  h.update(profile.data(), profile.size());
  return "still-" + h.hex().substr(0, 40);
}
}  // namespace

Result<std::unique_ptr<CachedLoop>> still_segment(const AVFrame* picture, const std::string& name, const EngineConfig& cfg,
                                                  const std::vector<uint8_t>& loop_extradata, const std::string& card_dir,
                                                  uint64_t max_bytes) {
  auto fail = [&](const std::string& why, Errc code) { return Error{fmt::format("still '{}' for splicing: {}", name, why), code}; };
  if (!picture || picture->format != AV_PIX_FMT_YUV420P || picture->width != cfg.width || picture->height != cfg.height)
    return fail("not an output-sized yuv420p picture", Errc::invalid);
  if (cfg.logo.enabled() && !cfg.logo.image) return fail("the logo is not loaded", Errc::internal);
  std::error_code ec;
  std::filesystem::create_directories(card_dir, ec);
  const std::string path = fmt::format("{}/{}.mp4", card_dir, still_key(picture, cfg));
  const int gop = gop_frames(cfg);
  const CacheMeta meta{name, cache_profile(cfg), cfg.fps, gop};
  if (auto cached = read_cache(path, meta)) {
    touch_card(path);
    return cached;
  }
  FramePtr pic(av_frame_clone(picture));
  if (!pic || av_frame_make_writable(pic.get()) < 0) return fail("out of memory", Errc::internal);
  if (const LogoStamp logo = make_logo_stamp(cfg.logo, cfg.width, cfg.height); !logo.empty()) stamp_logo(pic.get(), logo);
  auto enc = segment_encoder(cfg, loop_extradata);
  if (!enc) return fail(enc.error(), enc.code());
  std::vector<CachedPacket> packets;
  auto sink = [&](AVPacket* p) { packets.push_back(cached_packet(p)); };
  // One GOP: its IDR, then the same picture (almost free to encode and to send); it loops.
  for (int i = 0; i < gop; ++i) {
    FramePtr f(av_frame_clone(pic.get()));
    if (!f) return fail("out of memory", Errc::internal);
    f->pts = i;
    f->pict_type = AV_PICTURE_TYPE_NONE;
    if (Status st = enc->encode(f.get(), i == 0, sink); !st) return fail(st.error(), st.code());
  }
  if (Status st = enc->encode(nullptr, false, sink); !st) return fail(st.error(), st.code());
  if (Status st = write_cache(path, enc->ctx(), packets, meta); !st) return fail(st.error(), st.code());
  auto cached = read_cache(path, meta);
  if (!cached) return fail(cached.error(), Errc::internal);
  trim_card_cache(card_dir, max_bytes, path);
  return cached;
}

}  // namespace loopcast
