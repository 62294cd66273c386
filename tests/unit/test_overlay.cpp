#include <doctest/doctest.h>

#include "engine/video/overlay.hpp"

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

  ov.set("Daft Punk – One More Time");
  const AVFrame* out = ov.apply(in.get());
  REQUIRE(out != in.get());
  CHECK(out->width == 640);
  CHECK(mean_y(out, 0, 260, 400, 340) > mean_y(in.get(), 0, 260, 400, 340) + 5);  // white text appeared
  CHECK(mean_y(out, 0, 0, 640, 150) == doctest::Approx(60));                      // the rest untouched
  CHECK(mean_y(in.get(), 0, 260, 400, 340) == doctest::Approx(60));              // the source frame too

  ov.set("");
  CHECK(ov.apply(in.get()) == in.get());
}

TEST_CASE("a missing font falls back (fontconfig): the text is still drawn") {
  OverlayConfig cfg;
  cfg.enabled = true;
  cfg.box = false;  // only the glyphs can brighten the picture
  cfg.size = 24;
  cfg.font = "/nonexistent/font.ttf";
  Overlay ov(cfg, 320, 180);
  FramePtr in = gray_frame(320, 180);
  ov.set("Artist - Title");
  const AVFrame* out = ov.apply(in.get());
  REQUIRE(out != in.get());  // a graph was built: the overlay did not give up on the frame
  CHECK(ov.last_error().empty());
  CHECK(out->width == 320);
  CHECK(out->height == 180);
  CHECK(mean_y(out, 20, 125, 230, 165) > mean_y(in.get(), 20, 125, 230, 165) + 5);  // white glyphs bottom-left
  CHECK(mean_y(out, 0, 0, 320, 60) == doctest::Approx(60));                      // nothing elsewhere
}

namespace {
// A w x h YUVA420P picture of one colour.
ArtPtr solid_art(int w, int h, uint8_t y, uint8_t u, uint8_t v, uint8_t a) {
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUVA420P;
  f->width = w;
  f->height = h;
  av_frame_get_buffer(f.get(), 0);
  const uint8_t val[4] = {y, u, v, a};
  for (int p = 0; p < 4; ++p) {
    const bool chroma = p == 1 || p == 2;
    for (int r = 0; r < (chroma ? h / 2 : h); ++r) memset(f->data[p] + r * f->linesize[p], val[p], chroma ? w / 2 : w);
  }
  return ArtPtr(f.release(), FrameDeleter{});
}
}  // namespace

TEST_CASE("cover art sits in the overlay corner on every frame, the text beside it, and goes with the song") {
  OverlayConfig cfg;
  cfg.enabled = true;
  cfg.box = false;
  cfg.size = 20;  // also the margin
  Overlay ov(cfg, 640, 360);
  FramePtr in = gray_frame(640, 360);
  ov.set("Air – La Femme d'Argent", solid_art(80, 80, 81, 90, 240, 255));  // opaque red square
  for (int n = 0; n < 90; ++n) {  // three seconds of frames: the single art picture repeats
    const AVFrame* out = ov.apply(in.get());
    REQUIRE(out != in.get());
    CHECK(mean_y(out, 22, 262, 98, 338) == doctest::Approx(81).epsilon(0.02));  // art at x 20..100, y 260..340
    CHECK(mean_y(out, 0, 0, 640, 200) == doctest::Approx(60));                 // the picture above untouched
    if (n == 0) {
      CHECK(mean_y(out, 110, 300, 400, 340) > 65);                              // white text right of the art
      CHECK(mean_y(out, 0, 300, 18, 340) == doctest::Approx(60));               // nothing left of the art
      CHECK(out->data[2][150 * out->linesize[2] + 30] == doctest::Approx(240).epsilon(0.02));  // red chroma
    }
  }
  SUBCASE("the next song brings no art: the corner is the loop again") {
    ov.set("Next Artist – Next Song", nullptr);
    const AVFrame* out = ov.apply(in.get());
    CHECK(mean_y(out, 22, 262, 98, 300) == doctest::Approx(60).epsilon(0.05));
  }
  SUBCASE("top-right, transparent art: the loop shows through") {
    cfg.position = OverlayCorner::top_right;
    Overlay tr(cfg, 640, 360);
    tr.set("", solid_art(80, 80, 81, 90, 240, 0));
    const AVFrame* out = tr.apply(in.get());
    CHECK(mean_y(out, 540, 20, 620, 100) == doctest::Approx(60));
    tr.set("", solid_art(80, 80, 235, 128, 128, 255));  // art only, no text: still drawn
    out = tr.apply(in.get());
    CHECK(mean_y(out, 542, 22, 618, 98) == doctest::Approx(235).epsilon(0.02));
    CHECK(mean_y(out, 0, 0, 500, 360) == doctest::Approx(60));
  }
}
