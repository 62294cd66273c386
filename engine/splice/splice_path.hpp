// The splice video path of a pipeline: the next cached H.264 or HEVC packet for each output frame
// (and for each output profile of its own) instead of decode + encode. Owns the splicers, the
// codec parameters (the caches' parameter sets, sent once per session), the loop waiting to go on
// air and the title card awaited for the song.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "engine/engine_config.hpp"
#include "engine/splice/card_slot.hpp"
#include "engine/splice/splicer.hpp"
#include "engine/video_path.hpp"

namespace loopcast {

class SplicePath final : public VideoPath {
 public:
  static Result<std::unique_ptr<SplicePath>> create(std::unique_ptr<CachedLoop> first, const EngineConfig& cfg);

  // Stream parameters for the outputs: the caches' codec, size and rate, extradata = parameter sets.
  // The stream's own profile (0), then the outputs' own (plan_renditions with the stream first).
  size_t renditions() const override { return 1 + others_.size(); }
  const AVCodecContext* params(size_t r) const override { return r == 0 ? params_.get() : others_.at(r - 1).params.get(); }
  // Queue a loop for the next clean cut (thread-safe; replaces one not yet on air). Refuses a loop
  // whose parameter sets differ from the stream's (that would need a new sequence header
  // mid-session), or that lacks a rendition the outputs take.
  Status queue(std::unique_ptr<CachedLoop> next);
  // The packet of the next output frame (timestamps in 1/fps); `switched` when a queued loop
  // went on air with it. Valid until the next call.
  AVPacket* next(bool* switched);
  const std::string& on_air() const override { return splicer_.current().source(); }  // pipeline thread only

  PathKind mode() const override { return PathKind::splice; }
  // Keyframes come from the cache, at most one keyframe interval apart: `idr` is ignored, so a
  // reconnecting output waits for the next one instead of forcing it.
  Status emit(int64_t n, bool idr, const RenditionSink& sink, VideoFrameEvents& events) override;
  Status flush(const RenditionSink&) override { return Status::ok(); }  // nothing held: packets are copies
  bool may_skip() const override { return false; }
  Status switch_to(std::unique_ptr<LoopSource> next) override;
  Status switch_to(std::unique_ptr<CachedLoop> next) override { return queue(std::move(next)); }
  // The song's card: shown with its loop if ready then, else as soon as it is ready within the
  // card's own length (late), else skipped; repeated every title_card.every seconds at a pass start.
  void show_card(std::shared_ptr<CardSlot> slot) override;
  CardStats cards() const override;

 private:
  SplicePath(std::unique_ptr<CachedLoop> first, CodecCtxPtr params, const EngineConfig& cfg);
  static Status fits(const CachedLoop& loop, const AVCodecContext* params);
  static AVPacket* as_packet(const SplicedPacket& sp, AVPacket* out);
  void take_card(int64_t frame) REQUIRES(mu_);  // the awaited slot, once composed, into queued_card_
  void note_card_on_air(int64_t frame) REQUIRES(mu_);

  // Renditions 1..: the outputs' own profiles, each spliced from its own cache of the same loops,
  // cutting at its own clean point; cards are composed for rendition 0 only (refused at start).
  struct Other {
    CodecCtxPtr params;
    std::unique_ptr<Splicer> splicer;     // under mu_, advanced with rendition 0's (next)
    std::unique_ptr<CachedLoop> pending;  // under mu_
    SplicedPacket sp;                     // this frame's, from next()
    PacketPtr out = make_packet();
  };

  CodecCtxPtr params_;
  std::vector<Other> others_;
  const int fps_;
  const double card_seconds_, card_every_;
  Splicer splicer_;
  PacketPtr out_ = make_packet();
  mutable Mutex mu_;
  std::unique_ptr<CachedLoop> pending_ GUARDED_BY(mu_);
  std::shared_ptr<CardSlot> awaited_ GUARDED_BY(mu_);  // composing still when its song went on air
  int64_t awaited_since_ GUARDED_BY(mu_) = -1;         // output frame it was asked for (-1: not yet known)
  QueuedCard queued_card_ GUARDED_BY(mu_);
  std::shared_ptr<const CardSegment> last_card_ GUARDED_BY(mu_);  // the song's card, for repeats
  int64_t last_card_at_ GUARDED_BY(mu_) = 0;
  CardStats stats_ GUARDED_BY(mu_);
};

}  // namespace loopcast
