// A title card: a lower-third band with "Artist – Title" and a second line (album, "Up next: …")
// drawn over the first seconds of a song's loop. In splice mode it is composed ahead and encoded
// once per song (engine/splice/card_composer); this is only the drawing (libavfilter drawbox +
// drawtext, options as a dictionary so titles need no escaping).
#pragma once
#include <memory>
#include <string>

#include "base/av.hpp"
#include "base/result.hpp"

struct AVFilterGraph;
struct AVFilterContext;

namespace loopcast {

struct TitleCardConfig {
  double seconds = 0;  // shown over the first SECONDS of each song; 0 = no title cards
  double every = 0;    // shown again every SECONDS of a long song (at a loop pass start); 0 = once
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  int size = 44;       // title height in pixels at 720 lines (scaled with the picture)
  bool enabled() const { return seconds > 0; }
};

struct CardText {
  std::string title;  // "Artist – Title"
  std::string sub;    // album, "Up next: Artist – Title" (may be empty)
};

// The second line from what is known: "Album · Up next: Artist – Title", either part alone, or "".
std::string card_subline(const std::string& album, const std::string& next);

class TitleCardPainter {
 public:
  // Builds the drawing for one text on width x height yuv420p frames. A glyph the font lacks is
  // drawn as the font's missing-glyph box, never an error; a missing font is an error.
  static Result<std::unique_ptr<TitleCardPainter>> create(const TitleCardConfig& cfg, int width, int height, const CardText& text);
  ~TitleCardPainter();
  // The frame with the card drawn (valid until the next call).
  Result<const AVFrame*> paint(const AVFrame* in);

 private:
  TitleCardPainter() = default;
  AVFilterGraph* graph_ = nullptr;
  AVFilterContext* src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  FramePtr in_ = make_frame();
  FramePtr out_ = make_frame();
  int64_t frames_ = 0;
};

}  // namespace loopcast
