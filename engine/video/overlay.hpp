// Optional now-playing overlay: "Artist – Title" (libavfilter drawtext) and the song's cover art
// (libavfilter overlay) in one corner. It changes at each switch without touching the encoder or
// the output session.
#pragma once
#include <memory>
#include <string>

#include "base/av.hpp"
#include "engine/input/cover_art.hpp"
#include "engine/video/overlay_config.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

struct AVFilterGraph;
struct AVFilterContext;

namespace loopcast {


class Overlay {
 public:
  Overlay(OverlayConfig cfg, int width, int height);
  ~Overlay();
  // Thread-safe: the next frame shows `text` and `art` (empty text and no art hide the overlay).
  void set(std::string text, ArtPtr art = nullptr);
  // Draw the current text on a copy of `in`; returns `in` itself when there is nothing to draw
  // or drawing failed (the stream never loses a frame to the overlay).
  const AVFrame* apply(const AVFrame* in);
  const std::string& last_error() const { return error_; }

 private:
  Status build();

  OverlayConfig cfg_;
  int width_, height_;
  Mutex mu_;  // set() from any thread against apply() on the pipeline thread; the rest is that thread's
  std::string pending_ GUARDED_BY(mu_);
  ArtPtr pending_art_ GUARDED_BY(mu_);
  bool dirty_ GUARDED_BY(mu_) = false;
  std::string text_;
  ArtPtr art_;
  AVFilterGraph* graph_ = nullptr;
  AVFilterContext* src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  FramePtr in_ = make_frame();
  FramePtr out_ = make_frame();
  std::string error_;
  int64_t frames_ = 0;
};

}  // namespace loopcast
