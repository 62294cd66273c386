#include "engine/splice/splice_path.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "base/log.hpp"
#include "engine/encoder.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/output/track.hpp"
#include "engine/splice/cache_key.hpp"

namespace loopcast {
namespace {
CodecCtxPtr stream_params(const CachedLoop& first, const EngineConfig& cfg) {
  CodecCtxPtr c(avcodec_alloc_context3(nullptr));
  if (!c) return nullptr;
  c->codec_type = AVMEDIA_TYPE_VIDEO;
  c->codec_id = first.codec();
  set_stream_picture(c.get(), cfg);
  const auto& x = first.extradata();
  c->extradata = static_cast<uint8_t*>(av_mallocz(x.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!c->extradata) return nullptr;
  std::memcpy(c->extradata, x.data(), x.size());
  c->extradata_size = static_cast<int>(x.size());
  return c;
}
}  // namespace

Result<std::unique_ptr<SplicePath>> SplicePath::create(std::unique_ptr<CachedLoop> first, const EngineConfig& cfg) {
  if (!first) return Error{"splice: no cached loop", Errc::invalid};
  if (first->reorder_delay() > kCacheReorderDelay) return Error{fmt::format("splice: '{}' reorders deeper than the stream", first->source()), Errc::invalid};
  auto plan = plan_renditions(cfg, true);
  if (!plan) return plan.forward();
  std::vector<Other> others;
  for (size_t r = 1; r < plan->profiles.size(); ++r) {
    const OutputProfile& p = plan->profiles[r];
    std::unique_ptr<CachedLoop> loop = first->take_rendition(r);
    if (!loop)
      return Error{fmt::format("splice: loop '{}' has no cache for the outputs' profile {}x{} {} kb/s {}", first->source(), p.width,
                               p.height, p.video_bitrate / 1000, to_string(p.codec)),
                   Errc::invalid};
    if (loop->reorder_delay() > kCacheReorderDelay)
      return Error{fmt::format("splice: '{}' reorders deeper than the stream", loop->source()), Errc::invalid};
    Other o;
    o.params = stream_params(*loop, with_profile(cfg, p));
    if (!o.params) return Error{"splice: out of memory", Errc::internal};
    o.splicer = std::make_unique<Splicer>(std::move(loop), kCacheReorderDelay);
    others.push_back(std::move(o));
  }
  CodecCtxPtr params = stream_params(*first, cfg);
  if (!params) return Error{"splice: out of memory", Errc::internal};
  std::unique_ptr<SplicePath> path(new SplicePath(std::move(first), std::move(params), cfg));
  path->others_ = std::move(others);
  return path;
}

SplicePath::SplicePath(std::unique_ptr<CachedLoop> first, CodecCtxPtr params, const EngineConfig& cfg)
    : params_(std::move(params)),
      fps_(cfg.fps),
      card_seconds_(cfg.title_card.seconds),
      card_every_(cfg.title_card.every),
      splicer_(std::move(first), kCacheReorderDelay) {}

// The session's parameter sets (params never change): every loop and card of the session must carry them.
Status SplicePath::fits(const CachedLoop& loop, const AVCodecContext* params) {
  if (loop.codec() != params->codec_id)
    return Error{fmt::format("loop '{}': cached in {}, the stream is {}", loop.source(), avcodec_get_name(loop.codec()),
                             avcodec_get_name(params->codec_id)),
                 Errc::conflict};
  const std::vector<uint8_t> want(params->extradata, params->extradata + params->extradata_size);
  if (loop.extradata() != want)
    return Error{
        fmt::format("loop '{}': its cached parameter sets differ from the stream's (a new sequence header mid-stream is never sent)",
                    loop.source()),
        Errc::conflict};
  if (loop.reorder_delay() > kCacheReorderDelay)
    return Error{fmt::format("loop '{}': reorders deeper than the stream", loop.source()), Errc::conflict};
  return Status::ok();
}

Status SplicePath::queue(std::unique_ptr<CachedLoop> next) {
  if (Status st = fits(*next, params_.get()); !st) return st;
  // Every rendition switches, or none: a loop (or scene) without the outputs' profiles stays off air.
  std::vector<std::unique_ptr<CachedLoop>> others(others_.size());
  for (size_t r = 0; r < others_.size(); ++r) {
    others[r] = next->take_rendition(r + 1);
    if (!others[r])
      return Error{fmt::format("'{}': not cached for the outputs' own profiles (a cover scene or a card is made for the stream's "
                               "picture only)",
                               next->source()),
                   Errc::conflict};
    if (Status st = fits(*others[r], others_[r].params.get()); !st) return st;
  }
  MutexLock lk(mu_);
  pending_ = std::move(next);
  for (size_t r = 0; r < others_.size(); ++r) others_[r].pending = std::move(others[r]);
  return Status::ok();
}

void SplicePath::show_card(std::shared_ptr<CardSlot> slot) {
  MutexLock lk(mu_);
  if (awaited_) {
    log::info("card", "title card for '{}' not shown: the next song came first", awaited_->label());
    ++stats_.skipped;
  }
  awaited_ = std::move(slot);
  awaited_since_ = -1;
  last_card_.reset();  // the last song's card is never repeated over this one
  queued_card_ = {};
}

CardStats SplicePath::cards() const {
  MutexLock lk(mu_);
  return stats_;
}

void SplicePath::take_card(int64_t frame) {
  if (!awaited_) return;
  if (awaited_since_ < 0) awaited_since_ = frame;
  const int64_t waited = frame - awaited_since_;
  if (!awaited_->done()) {
    // The song's loop went on air without waiting: the card follows while it still opens the song.
    if (waited == 0) {
      ++stats_.late;
      log::info("card", "title card for '{}' not composed yet: the song starts on its plain loop", awaited_->label());
    } else if (waited > std::llround(card_seconds_ * fps_)) {
      ++stats_.skipped;
      log::warn("card", "title card for '{}' still not composed {:.1f} s into the song: skipped", awaited_->label(),
                static_cast<double>(waited) / fps_);
      awaited_.reset();
    }
    return;
  }
  auto seg = awaited_->segment();
  std::string why = seg ? "" : awaited_->error();
  if (seg)
    if (Status st = fits(*seg->frames, params_.get()); !st) why = st.error();
  if (!why.empty()) {
    ++stats_.skipped;
    log::warn("card", "title card for '{}': {} (the plain loop plays)", awaited_->label(), why);
  } else {
    ++stats_.composed;
    stats_.last_prepare_s = awaited_->prepare_seconds();
    if (waited > 0)
      log::info("card", "title card for '{}' ready {:.1f} s late: shown now", awaited_->label(), static_cast<double>(waited) / fps_);
    queued_card_ = QueuedCard{seg, false};
    last_card_ = std::move(seg);
  }
  awaited_.reset();
}

void SplicePath::note_card_on_air(int64_t frame) {
  ++stats_.shown;
  last_card_at_ = frame;
}

AVPacket* SplicePath::next(bool* switched) {
  SplicedPacket sp;
  {
    MutexLock lk(mu_);
    const int64_t n = splicer_.frames_out();
    take_card(n);
    sp = splicer_.next(pending_, queued_card_);
    // The outputs' own profiles take the same frame under the same lock: a loop queued now reaches
    // all of them or none of them at this frame.
    for (auto& o : others_) o.sp = o.splicer->next(o.pending);
    if (sp.card) note_card_on_air(n);
    // A long song sees its card again, where its loop starts a pass (the picture never jumps).
    if (card_every_ > 0 && last_card_ && !queued_card_.segment && !splicer_.in_card() &&
        n - last_card_at_ >= std::llround(card_every_ * fps_)) {
      if (last_card_->for_loop == splicer_.current().source()) queued_card_ = QueuedCard{last_card_, true};
      else last_card_.reset();  // another loop is on air: the card was drawn over the last one
    }
  }
  *switched = sp.switched;
  return as_packet(sp, out_.get());
}

AVPacket* SplicePath::as_packet(const SplicedPacket& sp, AVPacket* out) {
  av_packet_unref(out);
  av_packet_ref(out, sp.packet->pkt.get());
  out->pts = sp.pts;
  out->dts = sp.dts;
  out->duration = 1;
  out->flags = sp.packet->key ? AV_PKT_FLAG_KEY : 0;
  out->stream_index = stream_index(Track::video);
  return out;
}

Status SplicePath::emit(int64_t n, bool /*idr*/, const RenditionSink& sink, VideoFrameEvents& events) {
  AVPacket* pkt = next(&events.switched);
  if (events.switched) log::info("pipeline", "spliced to loop '{}' at frame {}", on_air(), n);
  sink(0, pkt);
  for (size_t r = 0; r < others_.size(); ++r) sink(r + 1, as_packet(others_[r].sp, others_[r].out.get()));
  return Status::ok();
}

Status SplicePath::switch_to(std::unique_ptr<LoopSource> next) {
  return Error{fmt::format("switch to loop '{}': this stream splices cached loops", next ? next->path() : ""), Errc::conflict};
}

}  // namespace loopcast
