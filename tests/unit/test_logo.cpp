// Issue 22, the station logo: read and refused at start (missing, not an image, no alpha, too
// large), blended by one stamp (opaque replaces, half mixes, transparent leaves, each corner on
// even pixels), part of the splice cache key (content, size, corner, opacity) and baked into a
// cached loop's pictures.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "control/config/config.hpp"
#include "engine/picture/logo.hpp"
#include "engine/picture/logo_stamp.hpp"
#include "engine/splice/cache_builder.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/loop_cache.hpp"
#include "tests/support/logo_probe.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
using loopcast::test::Rect;

namespace {
constexpr uint8_t kCyan[3] = {0, 255, 255};


// A cyan 64x32 PNG with a transparent 16x16 hole at (24, 8), written into `dir`.
std::string cyan_logo(const std::string& dir, const char* name = "logo.png") {
  const std::string path = dir + "/" + name;
  REQUIRE(test::write_png(path, 64, 32, test::solid_with_hole(64, 32, kCyan, {24, 8, 16, 16})));
  return path;
}

FramePtr grey_frame(int w, int h, uint8_t y) {
  FramePtr f = make_frame();
  f->width = w, f->height = h, f->format = AV_PIX_FMT_YUV420P;
  REQUIRE(av_frame_get_buffer(f.get(), 0) >= 0);
  for (int r = 0; r < h; ++r) std::fill_n(f->data[0] + r * f->linesize[0], w, y);
  for (int p : {1, 2})
    for (int r = 0; r < h / 2; ++r) std::fill_n(f->data[p] + r * f->linesize[p], w / 2, 128);
  return f;
}

int luma(const AVFrame* f, int x, int y) { return f->data[0][y * f->linesize[0] + x]; }
int cr(const AVFrame* f, int x, int y) { return f->data[2][(y / 2) * f->linesize[2] + x / 2]; }

// One opaque white pixel block (2x2, so a whole chroma sample) in a 4x2 logo, the rest transparent.
Logo white_block() {
  Logo l;
  l.width = 4, l.height = 2;
  l.rgba.assign(4 * 2 * 4, 0);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      for (int c = 0; c < 4; ++c) l.rgba[(y * 4 + x) * 4 + c] = 255;
  return l;
}

EngineConfig small_profile() {
  EngineConfig c;
  c.width = 320;
  c.height = 180;
  c.fps = 30;
  c.video_bitrate = 300'000;
  c.keyframe_interval = 0.5;
  return c;
}
}  // namespace

TEST_CASE("logo: a PNG with alpha is read and scaled to its width, its height keeping the aspect") {
  const test::TempDir dir("logo");
  auto logo = read_logo(cyan_logo(dir.path), 128);
  REQUIRE_MESSAGE(logo, logo.error());
  CHECK((*logo)->width == 128);
  CHECK((*logo)->height == 64);
  REQUIRE((*logo)->rgba.size() == 128u * 64 * 4);
  const uint8_t* solid = &(*logo)->rgba[(4 * 128 + 4) * 4];  // far from the hole's edges
  CHECK(int(solid[0]) <= 2);
  CHECK(int(solid[1]) >= 253);
  CHECK(int(solid[3]) == 255);
  const uint8_t* hole = &(*logo)->rgba[(32 * 128 + 64) * 4];  // the hole's centre (48..80, 16..48 at this size)
  CHECK(int(hole[3]) == 0);
}

TEST_CASE("logo: a missing file, a non-image, a PNG without alpha and an oversized PNG are refused, each with its reason") {
  const test::TempDir dir("logo-bad");
  auto missing = read_logo(dir.path + "/nope.png", 160);
  REQUIRE_FALSE(missing);
  CHECK(missing.code() == Errc::not_found);
  CHECK(missing.error() == "logo '" + dir.path + "/nope.png': no such file");

  auto directory = read_logo(dir.path, 160);  // (nor a FIFO or a device: opening one could block the start)
  REQUIRE_FALSE(directory);
  CHECK(directory.error() == "logo '" + dir.path + "': not a regular file");

  std::ofstream(dir.path + "/text.png") << "this is not a picture\n";
  auto text = read_logo(dir.path + "/text.png", 160);
  REQUIRE_FALSE(text);
  CHECK_MESSAGE(text.error().find("not a") != std::string::npos, text.error());

  auto video = read_logo(fixture("loop_1s_25fps.mp4"), 160);
  REQUIRE_FALSE(video);
  CHECK_MESSAGE(video.error().find("not a PNG image") != std::string::npos, video.error());

  REQUIRE(test::write_png(dir.path + "/rgb.png", 32, 16, test::solid_with_hole(32, 16, kCyan, {}), false));
  auto rgb = read_logo(dir.path + "/rgb.png", 160);
  REQUIRE_FALSE(rgb);
  CHECK_MESSAGE(rgb.error().find("no alpha channel") != std::string::npos, rgb.error());

  REQUIRE(test::write_png(dir.path + "/wide.png", 4097, 2, test::solid_with_hole(4097, 2, kCyan, {})));
  auto wide = read_logo(dir.path + "/wide.png", 160);
  REQUIRE_FALSE(wide);
  CHECK_MESSAGE(wide.error().find("too large") != std::string::npos, wide.error());

  // Read fine, but wider than a 320x180 picture inside its 6 px margins.
  LogoConfig big{cyan_logo(dir.path), Corner::top_right, 320, 1, nullptr};
  Status fits = load_logo(big, 320, 180);
  REQUIRE_FALSE(fits);
  CHECK_MESSAGE(fits.error().find("does not fit a 320x180 picture") != std::string::npos, fits.error());
  LogoConfig ok{cyan_logo(dir.path), Corner::top_right, 64, 1, nullptr};
  REQUIRE(load_logo(ok, 320, 180));
  CHECK(ok.image->width == 64);
}

TEST_CASE("logo: the flags and config keys set it, validate() refuses a bad one at start, and it does not count as drawing") {
  const test::TempDir dir("logo-cfg");
  const std::string png = cyan_logo(dir.path);
  AppConfig c;
  c.engine.loop = "x.mp4";
  c.engine.outputs = {"out.flv"};
  REQUIRE(apply_cli_flags(c, {"--logo", png, "--logo-position", "bottom-left", "--logo-size", "96", "--logo-opacity", "0.5",
                              "--video-mode", "splice"}));
  CHECK(c.engine.logo.file == png);
  CHECK(c.engine.logo.position == Corner::bottom_left);
  CHECK(c.engine.logo.size == 96);
  CHECK(c.engine.logo.opacity == 0.5);
  CHECK_FALSE(draws_per_frame(c.engine));  // baked into the cached loops: splice stays possible
  Status st = validate(c);
  CHECK_MESSAGE(st, (st ? "" : st.error()));

  AppConfig j;
  REQUIRE(apply_config_json(j, R"({"logo": "l.png", "logo_position": "top-left", "logo_size": 200, "logo_opacity": 0.25})"));
  CHECK(j.engine.logo.position == Corner::top_left);
  CHECK(j.engine.logo.size == 200);
  CHECK(apply_config_json(j, R"({"logo_position": "middle"})").error() ==
        "logo_position: invalid value 'middle': expected bottom-left|bottom-right|top-left|top-right");

  AppConfig bad = c;
  bad.engine.logo.opacity = 1.5;
  CHECK(validate(bad).error() == "logo_opacity 1.5: must be 0..1");
  bad = c;
  bad.engine.logo.file = dir.path + "/missing.png";
  CHECK(validate(bad).error() == "logo '" + dir.path + "/missing.png': no such file");
  bad = c;
  bad.engine.logo.size = 1280;  // wider than 1280x720 less its 24 px margins
  CHECK(validate(bad).error().find("does not fit") != std::string::npos);
}

TEST_CASE("logo stamp: an opaque pixel replaces the frame's, half opacity mixes, a transparent one leaves it") {
  const Logo logo = white_block();
  FramePtr f = grey_frame(64, 64, 50);
  const LogoStamp opaque = make_logo_stamp(logo, Corner::top_left, 1.0, 64, 64);
  stamp_logo(f.get(), opaque);
  const int x = opaque.x, y = opaque.y;
  CHECK(luma(f.get(), x, y) == 235);      // white in BT.709 limited range
  CHECK(luma(f.get(), x + 1, y + 1) == 235);
  CHECK(cr(f.get(), x, y) == 128);
  CHECK(luma(f.get(), x + 2, y) == 50);   // transparent: untouched
  CHECK(luma(f.get(), x + 3, y + 1) == 50);
  CHECK(luma(f.get(), x - 1, y) == 50);   // outside the stamp

  FramePtr g = grey_frame(64, 64, 50);
  stamp_logo(g.get(), make_logo_stamp(logo, Corner::top_left, 0.5, 64, 64));
  CHECK(std::abs(luma(g.get(), x, y) - (235 + 50) / 2) <= 1);
  CHECK(luma(g.get(), x + 2, y) == 50);

  // A red logo's chroma: Cr of BT.709 red (240) where opaque, the frame's where not.
  Logo red = logo;
  for (size_t i = 0; i < red.rgba.size(); i += 4)
    if (red.rgba[i + 3]) red.rgba[i + 1] = red.rgba[i + 2] = 0;
  FramePtr h = grey_frame(64, 64, 50);
  stamp_logo(h.get(), make_logo_stamp(red, Corner::top_left, 1.0, 64, 64));
  CHECK(cr(h.get(), x, y) == 240);
  CHECK(cr(h.get(), x + 2, y) == 128);
  CHECK(luma(h.get(), x, y) == 63);
}

TEST_CASE("logo stamp: a stamp larger than the frame it meets writes nothing outside it") {
  const Logo logo = white_block();
  LogoStamp big = make_logo_stamp(logo, Corner::bottom_right, 1.0, 2, 2);  // made for a frame narrower than the logo
  REQUIRE((big.x < 0 || big.y < 0));
  FramePtr f = grey_frame(2, 2, 50);
  stamp_logo(f.get(), big);  // (a negative origin wrote before the row's start, into the frame or before it: now nothing)
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x) CHECK(luma(f.get(), x, y) == 50);
}

TEST_CASE("logo stamp: each corner, a margin of 24 px at 720 lines in proportion to the height, on even pixels") {
  CHECK(logo_margin(720) == 24);
  CHECK(logo_margin(1080) == 36);
  CHECK(logo_margin(180) == 6);
  CHECK(logo_margin(360) == 12);
  Logo l;
  l.width = 64, l.height = 32;
  l.rgba.assign(64 * 32 * 4, 255);
  struct Want {
    Corner corner;
    int x, y;
  };
  for (const Want w : {Want{Corner::top_left, 6, 6}, Want{Corner::top_right, 250, 6}, Want{Corner::bottom_left, 6, 142},
                       Want{Corner::bottom_right, 250, 142}}) {
    CAPTURE(to_string(w.corner));
    const LogoStamp s = make_logo_stamp(l, w.corner, 1, 320, 180);
    CHECK(s.x == w.x);
    CHECK(s.y == w.y);
    FramePtr f = grey_frame(320, 180, 16);
    stamp_logo(f.get(), s);
    CHECK(luma(f.get(), w.x, w.y) == 235);
    CHECK(luma(f.get(), w.x + 63, w.y + 31) == 235);
    CHECK(luma(f.get(), w.x - 1, w.y) == 16);
    CHECK(luma(f.get(), w.x + 64, w.y + 31) == 16);
    CHECK(luma(f.get(), w.x, w.y + 32) == 16);
  }
  // An odd picture size still puts the logo on a chroma sample.
  const LogoStamp odd = make_logo_stamp(l, Corner::bottom_right, 1, 322, 182);
  CHECK(odd.x % 2 == 0);
  CHECK(odd.y % 2 == 0);
}

TEST_CASE("logo: the splice cache key follows the logo's pixels, size, corner and opacity, and nothing else of it") {
  const test::TempDir dir("logo-key");
  const std::string loop = fixture("loop_1s_25fps.mp4");
  EngineConfig plain = small_profile();
  auto with_logo = [&](const std::string& png, Corner corner, int size, double opacity) {
    EngineConfig c = small_profile();
    c.logo = LogoConfig{png, corner, size, opacity, nullptr};
    REQUIRE(load_logo(c.logo, c.width, c.height));
    return *cache_path("/c", loop, c);
  };
  const std::string png = cyan_logo(dir.path);
  const std::string base = with_logo(png, Corner::top_right, 64, 1);
  CHECK(base != *cache_path("/c", loop, plain));
  CHECK(base == with_logo(png, Corner::top_right, 64, 1));
  // The same picture under another name shares the entries; another picture under the same name does not.
  CHECK(base == with_logo(cyan_logo(dir.path, "renamed.png"), Corner::top_right, 64, 1));
  CHECK(base != with_logo(png, Corner::top_left, 64, 1));
  CHECK(base != with_logo(png, Corner::top_right, 96, 1));
  CHECK(base != with_logo(png, Corner::top_right, 64, 0.5));
  const uint8_t orange[3] = {255, 128, 0};
  REQUIRE(test::write_png(png, 64, 32, test::solid_with_hole(64, 32, orange, {24, 8, 16, 16})));
  CHECK(base != with_logo(png, Corner::top_right, 64, 1));
  // Without a logo, the key is what it was before logos existed (entries already built stay valid).
  CHECK(cache_profile(plain).find("logo") == std::string::npos);
}

TEST_CASE("logo: a cached loop has the logo baked into every picture, its hole showing the loop") {
  const test::TempDir dir("logo-bake");
  EngineConfig c = small_profile();
  c.logo = LogoConfig{cyan_logo(dir.path), Corner::top_left, 64, 1, nullptr};
  LoopCache cache(c, dir.path);
  auto cached = cache.ensure(fixture("loop_1s_25fps.mp4"));
  REQUIRE_MESSAGE(cached, cached.error());
  REQUIRE(load_logo(c.logo, c.width, c.height));
  const std::string entry = *cache_path(dir.path, fixture("loop_1s_25fps.mp4"), c);
  auto pics = test::decode_pictures(entry, {0, 7, 14});
  REQUIRE_MESSAGE(pics, pics.error());
  for (auto& [index, pic] : *pics) {
    CAPTURE(index);
    // The logo sits at (6, 6), 64x32; its hole at (30, 14), 16x16. Cyan: Y 188, Cb 154, Cr 16.
    const auto solid = test::mean_yuv(pic.get(), Rect{8, 8, 12, 24});
    CHECK(std::abs(solid.y - 188) < 10);
    CHECK(std::abs(solid.v - 16) < 10);
    const auto hole = test::mean_yuv(pic.get(), Rect{34, 18, 8, 8});
    CHECK(std::abs(hole.v - 16) > 40);  // not the logo: the loop shows through
  }

  // A logo that cannot be read builds nothing, and says why.
  EngineConfig gone = small_profile();
  gone.logo.file = dir.path + "/gone.png";
  LoopCache broken(gone, dir.path);
  auto refused = broken.ensure(fixture("loop_1s_25fps.mp4"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == "logo '" + dir.path + "/gone.png': no such file");
}
