// The one way a logo reaches a picture, in both video paths: converted once to the output's
// colours (BT.709, limited range, 4:2:0) with its alpha times the opacity, placed in its corner
// on even coordinates, then blended into each YUV420P frame. Encode mode stamps every frame it
// sends; splice mode stamps every frame of a loop before the cache encode, so the pixels match.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/picture/corner.hpp"
#include "engine/picture/logo.hpp"

struct AVFrame;

namespace loopcast {

// Space between the logo and the picture's edges: 24 px at 720 lines, in proportion to the
// height, even (so the logo starts on a chroma sample).
int logo_margin(int frame_height);

struct LogoStamp {
  int x = 0, y = 0, width = 0, height = 0;           // where it lands, in luma pixels (all even)
  std::vector<uint8_t> luma, luma_alpha;             // width * height
  std::vector<uint8_t> cb, cr, chroma_alpha;         // (width / 2) * (height / 2)
  bool empty() const { return width == 0; }
};

// `logo` in `corner` of a frame_width x frame_height picture, at `opacity` (0..1). The caller
// has checked it fits (load_logo).
LogoStamp make_logo_stamp(const Logo& logo, Corner corner, double opacity, int frame_width, int frame_height);
// The stamp of a loaded logo config; empty without a logo.
LogoStamp make_logo_stamp(const LogoConfig& cfg, int frame_width, int frame_height);
// Blends the stamp into a writable YUV420P frame: alpha 255 replaces, 0 leaves the frame as is.
void stamp_logo(AVFrame* frame, const LogoStamp& stamp);

}  // namespace loopcast
