#include "engine/video/overlay.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
}

#include "base/log.hpp"

namespace loopcast {

Overlay::Overlay(OverlayConfig cfg, int width, int height) : cfg_(std::move(cfg)), width_(width), height_(height) {}

Overlay::~Overlay() { avfilter_graph_free(&graph_); }

void Overlay::set(std::string text, ArtPtr art) {
  MutexLock lk(mu_);
  pending_ = std::move(text);
  pending_art_ = std::move(art);
  dirty_ = true;
}

// in → [drawtext] → [overlay ← art] → out, rebuilt at each change (a few ms, once per song).
Status Overlay::build() {
  avfilter_graph_free(&graph_);
  src_ = sink_ = nullptr;
  if (text_.empty() && !art_) return Status::ok();
  graph_ = avfilter_graph_alloc();
  graph_->nb_threads = 1;
  auto buffer_args = [](int w, int h, AVPixelFormat f) {
    return fmt::format("video_size={}x{}:pix_fmt={}:time_base=1/30:pixel_aspect=1/1", w, h, static_cast<int>(f));
  };
  int err = avfilter_graph_create_filter(&src_, avfilter_get_by_name("buffer"), "in", buffer_args(width_, height_, AV_PIX_FMT_YUV420P).c_str(),
                                         nullptr, graph_);
  if (err >= 0) err = avfilter_graph_create_filter(&sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph_);
  if (err < 0) return Error{fmt::format("overlay: {}", av_error_string(err))};
  const int margin = cfg_.size;
  const bool right = cfg_.position == OverlayCorner::bottom_right || cfg_.position == OverlayCorner::top_right;
  const bool top = cfg_.position == OverlayCorner::top_left || cfg_.position == OverlayCorner::top_right;
  const int art_gap = art_ ? art_->width + margin / 2 : 0;  // the text sits beside the art
  AVFilterContext* last = src_;

  if (!text_.empty()) {
    // Options go in as a dictionary, never as a filter string: song titles need no escaping.
    AVFilterContext* draw = avfilter_graph_alloc_filter(graph_, avfilter_get_by_name("drawtext"), "drawtext");
    if (!draw) return Error{"overlay: drawtext filter not available"};
    AVDictionary* o = nullptr;
    av_dict_set(&o, "fontfile", cfg_.font.c_str(), 0);
    av_dict_set(&o, "text", text_.c_str(), 0);
    av_dict_set(&o, "expansion", "none", 0);
    av_dict_set_int(&o, "fontsize", cfg_.size, 0);
    av_dict_set(&o, "fontcolor", cfg_.color.c_str(), 0);
    av_dict_set(&o, "x", right ? fmt::format("w-tw-{}", margin + art_gap).c_str() : std::to_string(margin + art_gap).c_str(), 0);
    av_dict_set(&o, "y", top ? std::to_string(margin).c_str() : fmt::format("h-th-{}", margin).c_str(), 0);
    if (cfg_.box) {
      av_dict_set(&o, "box", "1", 0);
      av_dict_set(&o, "boxcolor", "black@0.45", 0);
      av_dict_set_int(&o, "boxborderw", cfg_.size / 3, 0);
    }
    err = avfilter_init_dict(draw, &o);
    av_dict_free(&o);
    if (err < 0) return Error{fmt::format("overlay: drawtext ({}): {}", cfg_.font, av_error_string(err))};
    if ((err = avfilter_link(last, 0, draw, 0)) < 0) return Error{fmt::format("overlay: {}", av_error_string(err))};
    last = draw;
  }

  AVFilterContext* art_src = nullptr;
  if (art_) {
    AVFilterContext* over = nullptr;
    const std::string args = fmt::format("x={}:y={}:eof_action=repeat", right ? fmt::format("W-w-{}", margin) : std::to_string(margin),
                                         top ? std::to_string(margin) : fmt::format("H-h-{}", margin));
    err = avfilter_graph_create_filter(&art_src, avfilter_get_by_name("buffer"), "art",
                                       buffer_args(art_->width, art_->height, static_cast<AVPixelFormat>(art_->format)).c_str(), nullptr, graph_);
    if (err >= 0) err = avfilter_graph_create_filter(&over, avfilter_get_by_name("overlay"), "overlay", args.c_str(), nullptr, graph_);
    if (err >= 0) err = avfilter_link(last, 0, over, 0);
    if (err >= 0) err = avfilter_link(art_src, 0, over, 1);
    if (err < 0) return Error{fmt::format("overlay: cover art: {}", av_error_string(err))};
    last = over;
  }
  if ((err = avfilter_link(last, 0, sink_, 0)) < 0 || (err = avfilter_graph_config(graph_, nullptr)) < 0)
    return Error{fmt::format("overlay: {}", av_error_string(err))};
  if (art_src) {
    // One picture, then end of input: the overlay filter repeats it on every frame.
    FramePtr pic(av_frame_clone(art_.get()));
    if (!pic) return Error{"overlay: out of memory"};
    pic->pts = frames_;
    if ((err = av_buffersrc_add_frame_flags(art_src, pic.get(), 0)) < 0 || (err = av_buffersrc_close(art_src, frames_ + 1, 0)) < 0)
      return Error{fmt::format("overlay: cover art: {}", av_error_string(err))};
  }
  return Status::ok();
}

const AVFrame* Overlay::apply(const AVFrame* in) {
  if (!cfg_.enabled) return in;
  {
    MutexLock lk(mu_);
    if (dirty_) {
      dirty_ = false;
      text_ = pending_;
      art_ = pending_art_;
      if (Status st = build(); !st) {
        error_ = st.error();
        log::warn("overlay", "{}", error_);
        avfilter_graph_free(&graph_);
      }
    }
  }
  if (!graph_) return in;
  av_frame_unref(in_.get());
  av_frame_ref(in_.get(), in);
  in_->pts = frames_++;  // drawtext needs no real timeline, only increasing stamps
  av_frame_unref(out_.get());
  if (av_buffersrc_add_frame_flags(src_, in_.get(), AV_BUFFERSRC_FLAG_KEEP_REF) < 0 ||
      av_buffersink_get_frame(sink_, out_.get()) < 0)
    return in;
  return out_.get();
}

}  // namespace loopcast
