#include "engine/picture/logo_stamp.hpp"

#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/frame.h>
}

namespace loopcast {
namespace {
// BT.709, limited range: what the encoder tags the stream with (colorspace.hpp).
constexpr double kKr = 0.2126, kKb = 0.0722, kKg = 1 - kKr - kKb;

uint8_t clamp8(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }
double luma_of(double r, double g, double b) { return 16 + 219 * (kKr * r + kKg * g + kKb * b) / 255; }
double cb_of(double r, double g, double b) { return 128 + 224 * (b - (kKr * r + kKg * g + kKb * b)) / (2 * (1 - kKb)) / 255; }
double cr_of(double r, double g, double b) { return 128 + 224 * (r - (kKr * r + kKg * g + kKb * b)) / (2 * (1 - kKr)) / 255; }

// value over `under` at alpha a (0..255), rounded: 255 gives value exactly, 0 gives under.
uint8_t over(uint8_t value, uint8_t under, uint8_t a) { return static_cast<uint8_t>((value * a + under * (255 - a) + 127) / 255); }
}  // namespace

int logo_margin(int frame_height) { return 2 * static_cast<int>(std::lround(12.0 * frame_height / 720)); }

LogoStamp make_logo_stamp(const Logo& logo, Corner corner, double opacity, int frame_width, int frame_height) {
  LogoStamp s;
  s.width = logo.width / 2 * 2;
  s.height = logo.height / 2 * 2;
  const int margin = logo_margin(frame_height);
  s.x = is_right(corner) ? (frame_width - margin - s.width) / 2 * 2 : margin;
  s.y = is_top(corner) ? margin : (frame_height - margin - s.height) / 2 * 2;
  const double k = std::clamp(opacity, 0.0, 1.0);
  s.luma.resize(static_cast<size_t>(s.width) * s.height);
  s.luma_alpha.resize(s.luma.size());
  const int cw = s.width / 2, ch = s.height / 2;
  s.cb.resize(static_cast<size_t>(cw) * ch);
  s.cr.resize(s.cb.size());
  s.chroma_alpha.resize(s.cb.size());
  auto px = [&](int x, int y) { return &logo.rgba[(static_cast<size_t>(y) * logo.width + x) * 4]; };
  for (int y = 0; y < s.height; ++y)
    for (int x = 0; x < s.width; ++x) {
      const uint8_t* p = px(x, y);
      s.luma[static_cast<size_t>(y) * s.width + x] = clamp8(luma_of(p[0], p[1], p[2]));
      s.luma_alpha[static_cast<size_t>(y) * s.width + x] = clamp8(p[3] * k);
    }
  // A chroma sample covers 2x2 pixels: its colour is their alpha-weighted mean (a transparent
  // pixel's colour does not bleed in), its alpha their mean.
  for (int y = 0; y < ch; ++y)
    for (int x = 0; x < cw; ++x) {
      double wsum = 0, cb = 0, cr = 0;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const uint8_t* p = px(2 * x + dx, 2 * y + dy);
          const double w = p[3];
          wsum += w;
          cb += w * cb_of(p[0], p[1], p[2]);
          cr += w * cr_of(p[0], p[1], p[2]);
        }
      const size_t i = static_cast<size_t>(y) * cw + x;
      s.cb[i] = wsum > 0 ? clamp8(cb / wsum) : 128;
      s.cr[i] = wsum > 0 ? clamp8(cr / wsum) : 128;
      s.chroma_alpha[i] = clamp8(wsum / 4 * k);
    }
  return s;
}

LogoStamp make_logo_stamp(const LogoConfig& cfg, int frame_width, int frame_height) {
  if (!cfg.enabled() || !cfg.image) return {};
  return make_logo_stamp(*cfg.image, cfg.position, cfg.opacity, frame_width, frame_height);
}

void stamp_logo(AVFrame* frame, const LogoStamp& s) {
  // Clipped to the frame, so a stamp made for another size can never write outside it.
  if (s.empty() || s.x < 0 || s.y < 0) return;
  const int w = std::min(s.width, frame->width - s.x), h = std::min(s.height, frame->height - s.y);
  for (int y = 0; y < h; ++y) {
    uint8_t* row = frame->data[0] + static_cast<ptrdiff_t>(s.y + y) * frame->linesize[0] + s.x;
    const size_t at = static_cast<size_t>(y) * s.width;
    for (int x = 0; x < w; ++x) row[x] = over(s.luma[at + x], row[x], s.luma_alpha[at + x]);
  }
  const int cw = s.width / 2;
  for (int y = 0; y < h / 2; ++y) {
    uint8_t* u = frame->data[1] + static_cast<ptrdiff_t>(s.y / 2 + y) * frame->linesize[1] + s.x / 2;
    uint8_t* v = frame->data[2] + static_cast<ptrdiff_t>(s.y / 2 + y) * frame->linesize[2] + s.x / 2;
    const size_t at = static_cast<size_t>(y) * cw;
    for (int x = 0; x < w / 2; ++x) {
      u[x] = over(s.cb[at + x], u[x], s.chroma_alpha[at + x]);
      v[x] = over(s.cr[at + x], v[x], s.chroma_alpha[at + x]);
    }
  }
}

}  // namespace loopcast
