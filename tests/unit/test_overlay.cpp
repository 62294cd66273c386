#include <doctest/doctest.h>

#include "engine/overlay.hpp"

using namespace loopcast;

namespace {
FramePtr gray_frame(int w, int h) {
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = w;
  f->height = h;
  av_frame_get_buffer(f.get(), 0);
  for (int p = 0; p < 3; ++p)
    for (int y = 0; y < (p ? h / 2 : h); ++y) memset(f->data[p] + y * f->linesize[p], p ? 128 : 60, p ? w / 2 : w);
  return f;
}

// Mean luma of a rectangle.
double mean_y(const AVFrame* f, int x0, int y0, int x1, int y1) {
  double s = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) s += f->data[0][y * f->linesize[0] + x];
  return s / ((x1 - x0) * (y1 - y0));
}
}  // namespace

TEST_CASE("the now-playing text is drawn bottom-left and changes without a rebuild of anything else") {
  OverlayConfig cfg;
  cfg.enabled = true;
  cfg.box = false;
  Overlay ov(cfg, 640, 360);
  FramePtr in = gray_frame(640, 360);
  CHECK(ov.apply(in.get()) == in.get());  // no text yet: the frame passes untouched

  ov.set_text("Daft Punk – One More Time");
  const AVFrame* out = ov.apply(in.get());
  REQUIRE(out != in.get());
  CHECK(out->width == 640);
  CHECK(mean_y(out, 0, 260, 400, 340) > mean_y(in.get(), 0, 260, 400, 340) + 5);  // white text appeared
  CHECK(mean_y(out, 0, 0, 640, 150) == doctest::Approx(60));                      // the rest untouched
  CHECK(mean_y(in.get(), 0, 260, 400, 340) == doctest::Approx(60));              // the source frame too

  ov.set_text("");
  CHECK(ov.apply(in.get()) == in.get());
}

TEST_CASE("a missing font falls back (fontconfig) and the picture still flows") {
  OverlayConfig cfg;
  cfg.enabled = true;
  cfg.font = "/nonexistent/font.ttf";
  Overlay ov(cfg, 320, 180);
  FramePtr in = gray_frame(320, 180);
  ov.set_text("Artist - Title");
  const AVFrame* out = ov.apply(in.get());
  REQUIRE(out != nullptr);
  CHECK(out->width == 320);
  CHECK(out->height == 180);
  CHECK(out->data[0] != nullptr);
}
