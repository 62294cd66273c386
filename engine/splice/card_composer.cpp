#include "engine/splice/card_composer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "engine/encoder.hpp"
#include "engine/splice/cache_file.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/card_cache.hpp"
#include "engine/splice/segment_encoder.hpp"
#include "engine/splice/sha256.hpp"

namespace loopcast {
namespace {

// The entry's name: everything that reaches its pixels and bitstream — the loop's cached packets
// (so a rebuilt loop never gets an old card), the text, the card's length and style, the profile.
std::string card_key(const CachedLoop& plain, const CardText& text, const TitleCardConfig& tc, int64_t frames, const EngineConfig& cfg) {
  Sha256 h;
  for (int64_t k = 0; k < plain.frames(); ++k)
    if (const AVPacket* p = plain.packet(k).pkt.get()) h.update(p->data, static_cast<size_t>(p->size));
  const std::string rest =
      fmt::format("card 2\n{}\n{}\n{}\n{}\n{}\n{}", text.title, text.sub, frames, tc.font, tc.size, cache_profile(cfg));
  h.update(rest.data(), rest.size());
  return h.hex().substr(0, 40);
}

Result<CodecCtxPtr> open_loop_decoder(const CachedLoop& plain) {
  const AVCodec* codec = avcodec_find_decoder(plain.codec());
  if (!codec) return Error{fmt::format("no {} decoder", avcodec_get_name(plain.codec())), Errc::unavailable};
  CodecCtxPtr dec(avcodec_alloc_context3(codec));
  const auto& x = plain.extradata();
  dec->extradata = static_cast<uint8_t*>(av_mallocz(x.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!dec->extradata) return Error{"out of memory", Errc::internal};
  std::memcpy(dec->extradata, x.data(), x.size());
  dec->extradata_size = static_cast<int>(x.size());
  dec->thread_count = 1;  // a background job: one core at most
  if (int err = avcodec_open2(dec.get(), codec, nullptr); err < 0) return Error{fmt::format("open decoder: {}", av_error_string(err))};
  return dec;
}

// Decodes the loop's pictures 0..plan.frames-1 (passes repeat as on air), draws the card over the
// first `want` and encodes them with an IDR every GOP from frame 0, as the loop's own cache.
Status encode_card(const CachedLoop& plain, TitleCardPainter& painter, int64_t want, int64_t frames, const EngineConfig& cfg,
                   const std::atomic<bool>* cancel, Encoder& enc, std::vector<CachedPacket>& out) {
  auto dec = open_loop_decoder(plain);
  if (!dec) return dec.forward();
  const int gop = gop_frames(cfg);
  auto sink = [&](AVPacket* p) { out.push_back(cached_packet(p)); };
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  int64_t shown = 0;
  for (int64_t sent = 0; shown < frames; ++sent) {
    if (cancel && cancel->load()) return Error{"cancelled", Errc::unavailable};
    const int64_t pass = sent / plain.frames(), k = sent % plain.frames();
    const CachedPacket& cp = plain.packet(k);
    av_packet_unref(pkt.get());
    av_packet_ref(pkt.get(), cp.pkt.get());
    pkt->pts = pass * plain.frames() + cp.pts;
    pkt->dts = pass * plain.frames() + k - kCacheReorderDelay;
    if (int err = avcodec_send_packet(dec->get(), pkt.get()); err < 0) return Error{fmt::format("decode: {}", av_error_string(err))};
    while (shown < frames && avcodec_receive_frame(dec->get(), frame.get()) >= 0) {
      const AVFrame* pic = frame.get();
      if (shown < want) {
        auto drawn = painter.paint(frame.get());
        if (!drawn) return drawn.forward();
        pic = *drawn;
      }
      FramePtr in(av_frame_clone(pic));
      if (!in) return Error{"out of memory", Errc::internal};
      in->pts = shown;
      in->pict_type = AV_PICTURE_TYPE_NONE;
      Status st = enc.encode(in.get(), shown % gop == 0, sink);
      av_frame_unref(frame.get());
      if (!st) return st;
      ++shown;
    }
  }
  return enc.encode(nullptr, false, sink);
}
}  // namespace

CardPlan plan_card(int64_t loop_frames, int gop, int64_t want) {
  CardPlan p;
  if (loop_frames <= 0 || gop <= 0 || want <= 0) return p;
  for (int64_t c = want;; ++c)
    if ((c % loop_frames) % gop == 0) return CardPlan{c, c % loop_frames};  // found by ceil(want/N)*N at the latest
}

Result<ComposedCard> compose_card(const CachedLoop& plain, const CardText& text, const EngineConfig& cfg, const std::string& card_dir,
                                  uint64_t max_bytes, const std::atomic<bool>* cancel) {
  auto fail = [&](const std::string& why, Errc code) { return Error{fmt::format("title card '{}': {}", text.title, why), code}; };
  const int gop = gop_frames(cfg);
  const int64_t want = std::llround(cfg.title_card.seconds * cfg.fps);
  const CardPlan plan = plan_card(plain.frames(), gop, want);
  if (plan.frames <= 0) return fail("no frames to draw on", Errc::invalid);
  // The loop must go on cleanly at `resume`: its IDR there, decoded first of what follows.
  if (plan.resume > 0) {
    const CachedPacket& r = plain.packet(plan.resume);
    if (!r.key || r.pts != plan.resume || !plain.clean_after(plan.resume))
      return fail(fmt::format("loop '{}' has no clean IDR at frame {}", plain.source(), plan.resume), Errc::invalid);
  }
  std::error_code ec;
  std::filesystem::create_directories(card_dir, ec);
  const std::string name = card_key(plain, text, cfg.title_card, want, cfg);
  const std::string path = fmt::format("{}/{}.mp4", card_dir, name);
  const CacheMeta meta{"card " + text.title, cache_profile(cfg), cfg.fps, gop};
  ComposedCard out;
  auto cached = read_cache(path, meta);
  if (cached) {
    touch_card(path);
    out.from_cache = true;
  } else {
    if (cached.code() == Errc::invalid) std::filesystem::remove(path, ec);  // corrupt: made again
    auto painter = TitleCardPainter::create(cfg.title_card, cfg.width, cfg.height, text);
    if (!painter) return fail(painter.error(), painter.code());
    auto enc = segment_encoder(cfg, plain.extradata());
    if (!enc) return fail(enc.error(), enc.code());
    std::vector<CachedPacket> packets;
    if (Status st = encode_card(plain, **painter, want, plan.frames, cfg, cancel, *enc, packets); !st) return fail(st.error(), st.code());
    if (Status st = write_cache(path, enc->ctx(), packets, meta); !st) return fail(st.error(), st.code());
    cached = read_cache(path, meta);
    if (!cached) return fail(cached.error(), Errc::internal);
    trim_card_cache(card_dir, max_bytes, path);
  }
  if ((*cached)->extradata() != plain.extradata())
    return fail(fmt::format("its SPS/PPS differ from loop '{}' (another encoder build or profile)", plain.source()), Errc::conflict);
  auto seg = std::make_shared<CardSegment>();
  seg->frames = std::shared_ptr<const CachedLoop>(std::move(*cached));
  seg->for_loop = plain.source();
  seg->resume = plan.resume;
  out.segment = std::move(seg);
  return out;
}

}  // namespace loopcast
