// The encode video path of a pipeline: the loop on air is decoded, composed (crossfade at a
// switch, logo, visualiser, overlay) once, and encoded live for each rendition (the outputs' distinct
// profiles: H.264 or HEVC, size, bitrate), with an IDR wherever a new picture starts or an output
// asks for one. A prepared loop waits here until the next output frame.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "engine/rendition.hpp"
#include "engine/engine_config.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/picture/logo_stamp.hpp"
#include "engine/video/crossfade.hpp"
#include "engine/video/live_title_card.hpp"
#include "engine/video/overlay.hpp"
#include "engine/video/visualizer.hpp"
#include "engine/video_path.hpp"

namespace loopcast {

class EncodePath final : public VideoPath {
 public:
  // Opens cfg.loop and one encoder per distinct output profile (plan_renditions). `cancel` (the pipeline's stop flag) aborts a loop's
  // blocking reads; it must outlive the path.
  static Result<std::unique_ptr<EncodePath>> create(const EngineConfig& cfg, const std::atomic<bool>* cancel);

  PathKind mode() const override { return PathKind::encode; }
  size_t renditions() const override { return renditions_.size(); }
  const AVCodecContext* params(size_t r) const override { return renditions_.at(r).ctx(); }
  Status emit(int64_t n, bool idr, const RenditionSink& sink, VideoFrameEvents& events) override;
  Status flush(const RenditionSink& sink) override;
  bool may_skip() const override { return true; }
  Status switch_to(std::unique_ptr<LoopSource> next) override;
  Status switch_to(std::unique_ptr<CachedLoop> next) override;
  void hear(const AVFrame* audio, int64_t first_sample) override { visualizer_.push(audio, first_sample); }
  void set_now_playing(std::string text, ArtPtr art) override { overlay_.set(std::move(text), std::move(art)); }
  void draw_card(CardText text) override { card_.set(std::move(text)); }
  const std::string& on_air() const override { return loop_->path(); }

 private:
  EncodePath(const EngineConfig& cfg, const std::atomic<bool>* cancel);
  bool take_pending(int64_t n);  // true: a new loop went on air at output frame n
  const AVFrame* with_logo(const AVFrame* in);  // `in`, or a copy with the logo stamped on it

  const int fps_;
  const int sample_rate_;
  const std::atomic<bool>* cancel_;
  std::vector<Rendition> renditions_;
  std::unique_ptr<LoopSource> loop_;
  Crossfade crossfade_;
  Overlay overlay_;
  Visualizer visualizer_;
  LiveTitleCard card_;
  LogoStamp logo_;  // empty: no logo
  FramePtr logo_frame_ = make_frame();
  FramePtr vframe_ = make_frame();
  int64_t loop_start_frame_ = 0;  // output frame at which the current loop went on air

  Mutex switch_mu_;
  std::unique_ptr<LoopSource> pending_ GUARDED_BY(switch_mu_);
};

}  // namespace loopcast
