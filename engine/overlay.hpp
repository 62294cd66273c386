// Optional now-playing text ("Artist – Title") drawn on the video with libavfilter's drawtext.
// The text changes at each switch without touching the encoder or the output session.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "engine/av.hpp"
#include "engine/overlay_config.hpp"
#include "engine/result.hpp"

struct AVFilterGraph;
struct AVFilterContext;

namespace loopcast {


class Overlay {
 public:
  Overlay(OverlayConfig cfg, int width, int height);
  ~Overlay();
  // Thread-safe: the next frame shows `text` (empty hides the overlay).
  void set_text(std::string text);
  // Draw the current text on a copy of `in`; returns `in` itself when there is nothing to draw
  // or drawing failed (the stream never loses a frame to the overlay).
  const AVFrame* apply(const AVFrame* in);
  const std::string& last_error() const { return error_; }

 private:
  Status build(const std::string& text);

  OverlayConfig cfg_;
  int width_, height_;
  std::mutex mu_;
  std::string pending_;
  bool dirty_ = false;
  std::string text_;
  AVFilterGraph* graph_ = nullptr;
  AVFilterContext* src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  FramePtr in_ = make_frame();
  FramePtr out_ = make_frame();
  std::string error_;
  int64_t frames_ = 0;
};

}  // namespace loopcast
