#include "engine/encode_path.hpp"

#include "base/log.hpp"

namespace loopcast {

EncodePath::EncodePath(const EngineConfig& cfg, const std::atomic<bool>* cancel)
    : fps_(cfg.fps),
      sample_rate_(cfg.sample_rate),
      cancel_(cancel),
      crossfade_(cfg.crossfade, cfg.fps, cfg.width, cfg.height),
      overlay_(cfg.overlay, cfg.width, cfg.height),
      visualizer_(cfg.visualizer, cfg.width, cfg.height, cfg.sample_rate),
      card_(cfg.title_card, cfg.width, cfg.height, cfg.fps) {}

Result<std::unique_ptr<EncodePath>> EncodePath::create(const EngineConfig& cfg, const std::atomic<bool>* cancel) {
  std::unique_ptr<EncodePath> p(new EncodePath(cfg, cancel));
  auto loop = LoopSource::open(cfg.loop, VideoFormat{cfg.width, cfg.height, AV_PIX_FMT_YUV420P, cfg.fps, cfg.fit});
  if (!loop) return loop.forward();
  p->loop_ = std::move(*loop);
  p->loop_->set_cancel(cancel);
  LogoConfig logo = cfg.logo;  // (loaded once by the stream; loaded here when it comes without its picture)
  if (Status st = load_logo(logo, cfg.width, cfg.height); !st) return st.forward();
  p->logo_ = make_logo_stamp(logo, cfg.width, cfg.height);
  auto plan = plan_renditions(cfg);
  if (!plan) return plan.forward();
  if (plan->profiles.empty()) plan->profiles.push_back(stream_profile(cfg));
  for (const auto& profile : plan->profiles) {
    auto r = Rendition::open(cfg, profile);
    if (!r) return r.forward();
    p->renditions_.push_back(std::move(*r));
  }
  return p;
}

Status EncodePath::switch_to(std::unique_ptr<LoopSource> next) {
  MutexLock lk(switch_mu_);
  pending_ = std::move(next);  // a newer request replaces one not yet on air
  return Status::ok();
}

Status EncodePath::switch_to(std::unique_ptr<CachedLoop>) {
  return Error{"switch to a cached loop: this stream encodes its video", Errc::conflict};
}

bool EncodePath::take_pending(int64_t n) {
  MutexLock lk(switch_mu_);
  if (!pending_) return false;
  crossfade_.begin(std::move(loop_), n, loop_start_frame_);
  loop_ = std::move(pending_);
  loop_->set_cancel(cancel_);
  loop_start_frame_ = n;
  log::info("pipeline", "switched to loop '{}' at frame {}", loop_->path(), n);
  return true;
}

const AVFrame* EncodePath::with_logo(const AVFrame* in) {
  if (logo_.empty()) return in;
  // The loop's frame is shared with its decoder: stamped on a copy (a 720p copy costs far less
  // than the encode it feeds).
  av_frame_unref(logo_frame_.get());
  if (av_frame_ref(logo_frame_.get(), in) < 0 || av_frame_make_writable(logo_frame_.get()) < 0) return in;
  stamp_logo(logo_frame_.get(), logo_);
  return logo_frame_.get();
}

Status EncodePath::flush(const RenditionSink& sink) {
  Status first = Status::ok();
  for (size_t r = 0; r < renditions_.size(); ++r) {
    Status st = renditions_[r].flush([&](AVPacket* p) { sink(r, p); });
    if (!st && first) first = st;
  }
  return first;
}

Status EncodePath::emit(int64_t n, bool idr, const RenditionSink& sink, VideoFrameEvents& events) {
  events.switched = take_pending(n);
  idr = idr || events.switched;  // the new picture starts clean: a viewer joining now sees it at once
  const double local_t = static_cast<double>(n - loop_start_frame_) / fps_;
  // The visualiser draws the audio muxed at this frame's time: the samples up to frame n / fps.
  const int64_t heard = n * sample_rate_ / fps_;
  // The logo goes on the loop's picture under what is drawn from the song, as splice mode has it.
  const AVFrame* pic = card_.apply(overlay_.apply(visualizer_.apply(with_logo(crossfade_.compose(loop_->frame_at(local_t), n)), heard)), n);
  events.repeated = loop_->repeated() && n > loop_start_frame_;
  av_frame_unref(vframe_.get());
  av_frame_ref(vframe_.get(), pic);
  vframe_->pts = n;  // output PTS come from the frame counter, never from the file
  Status st = Status::ok();
  for (size_t r = 0; r < renditions_.size() && st; ++r) st = renditions_[r].encode(vframe_.get(), idr, [&](AVPacket* p) { sink(r, p); });
  av_frame_unref(vframe_.get());
  return st;
}

}  // namespace loopcast
