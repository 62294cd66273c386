// Issue 15, the cover-art scene: composition checked pixel by pixel.
#include <doctest/doctest.h>

#include <cstring>

#include "engine/input/loop_source.hpp"
#include "engine/video/art_scene.hpp"

using namespace loopcast;

namespace {
// A YUVA420P cover like the cover-art loader makes: left half luma `left`, right half `right`, grey.
FramePtr two_tone_cover(int side, uint8_t left, uint8_t right) {
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUVA420P;
  f->width = f->height = side;
  REQUIRE(av_frame_get_buffer(f.get(), 0) >= 0);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) f->data[0][y * f->linesize[0] + x] = x < side / 2 ? left : right;
    memset(f->data[3] + y * f->linesize[3], 255, side);
  }
  for (int p = 1; p < 3; ++p)
    for (int y = 0; y < side / 2; ++y) memset(f->data[p] + y * f->linesize[p], 128, side / 2);
  return f;
}
int luma(const AVFrame* f, int x, int y) { return f->data[0][y * f->linesize[0] + x]; }
}  // namespace

TEST_CASE("art scene: the sharp cover beside its text over a darker blur of itself") {
  ArtSceneLayout l;
  l.width = 640;
  l.height = 360;
  FramePtr cover = two_tone_cover(200, 200, 60);
  auto scene = compose_art_scene(cover.get(), {"Air", "Sexy Boy", "Moon Safari"}, l);
  REQUIRE_MESSAGE(scene, scene.error());
  const AVFrame* f = scene->get();
  CHECK(f->width == 640);
  CHECK(f->height == 360);
  CHECK(f->format == AV_PIX_FMT_YUV420P);

  // The sharp cover: its own colours, with a sharp edge in the middle.
  const Rect r = art_scene_cover_rect(l);
  CHECK(r.w == 216);
  CHECK(luma(f, r.x + r.w / 4, r.y + r.h / 2) == doctest::Approx(200).epsilon(0.04));
  CHECK(luma(f, r.x + r.w * 3 / 4, r.y + r.h / 2) == doctest::Approx(60).epsilon(0.08));
  CHECK(luma(f, r.x + r.w / 2 - 4, r.y + r.h / 2) > 180);
  CHECK(luma(f, r.x + r.w / 2 + 4, r.y + r.h / 2) < 80);

  // The background, above the cover: the same halves (scaled to cover 640 wide), darkened...
  const int left_bg = luma(f, 150, 8), right_bg = luma(f, 600, 8);
  CHECK(left_bg == doctest::Approx(16 + (200 - 16) * 0.45).epsilon(0.06));
  CHECK(right_bg == doctest::Approx(16 + (60 - 16) * 0.45).epsilon(0.1));
  // ...and blurred: no step at the middle, a ramp over tens of pixels.
  const int mid = luma(f, 320, 8);
  CHECK(mid > right_bg + 10);
  CHECK(mid < left_bg - 10);
  CHECK(luma(f, 300, 8) > luma(f, 340, 8));

  // Text to the right of the cover: some glyph pixels brighter than the dark background there.
  int bright = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x + r.w + 10; x < 630; ++x) bright += luma(f, x, y) > 150;
  CHECK(bright > 200);
}

TEST_CASE("art scene: a still source shows the scene on every frame and never counts as a repeat") {
  ArtSceneLayout l;
  l.width = 320;
  l.height = 180;
  FramePtr cover = two_tone_cover(64, 120, 120);
  auto scene = compose_art_scene(cover.get(), {"", "Only a title", ""}, l);
  REQUIRE_MESSAGE(scene, scene.error());
  const AVFrame* pic = scene->get();
  auto src = LoopSource::still("@art", std::move(*scene));
  CHECK(src->path() == "@art");
  CHECK(src->frame_at(0) == pic);
  CHECK(src->frame_at(10.5) == pic);
  CHECK_FALSE(src->repeated());
}

TEST_CASE("art scene: no cover is an error, not a crash") {
  auto scene = compose_art_scene(nullptr, {}, ArtSceneLayout{});
  REQUIRE_FALSE(scene);
  CHECK(scene.error().find("art scene") != std::string::npos);
}
