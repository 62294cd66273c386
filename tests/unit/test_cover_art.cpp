#include <doctest/doctest.h>

#include <chrono>

#include "engine/input/cover_art.hpp"
#include "tests/support/image_server.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
int px(const AVFrame* f, int plane, int x, int y) { return f->data[plane][y * f->linesize[plane] + x]; }
}  // namespace

TEST_CASE("cover art: a PNG and a JPEG over HTTP, scaled to fit the box with their aspect, opaque where the file is") {
  ImageServer srv;
  auto red = load_cover_art(srv.url("/red.png"), 40, 3);
  REQUIRE_MESSAGE(red, red.error());
  const AVFrame* f = red->get();
  CHECK(f->format == AV_PIX_FMT_YUVA420P);
  CHECK(f->width == 40);   // 64x32 → 40x20
  CHECK(f->height == 20);
  // BT.709 limited range red, as the stream is tagged: Y 63, U 102, V 240 (BT.601 would be 81, 90).
  CHECK(px(f, 0, 20, 10) == doctest::Approx(63).epsilon(0.05));
  CHECK(px(f, 1, 10, 5) == doctest::Approx(102).epsilon(0.05));
  CHECK(px(f, 2, 10, 5) == doctest::Approx(240).epsilon(0.05));
  CHECK(px(f, 3, 20, 10) == 255);

  auto blue = load_cover_art(srv.url("/blue.jpg"), 40, 3);  // 48x96 full-range JPEG → 20x40
  REQUIRE_MESSAGE(blue, blue.error());
  f = blue->get();
  CHECK(f->width == 20);
  CHECK(f->height == 40);
  // A JPEG is BT.601 full range: converted to BT.709 limited, blue is Y 32, U 240, V 118 (41, 240, 110 in BT.601).
  CHECK(px(f, 0, 10, 20) == doctest::Approx(32).epsilon(0.15));
  CHECK(px(f, 2, 5, 10) == doctest::Approx(118).epsilon(0.04));
  CHECK(px(f, 1, 5, 10) == doctest::Approx(240).epsilon(0.05));
  CHECK(px(f, 3, 10, 20) == 255);  // no alpha in a JPEG: opaque

  auto half = load_cover_art(srv.url("/half.png"), 32, 3);
  REQUIRE_MESSAGE(half, half.error());
  f = half->get();
  CHECK(px(f, 3, 4, 16) < 10);    // transparent left half stays transparent
  CHECK(px(f, 3, 28, 16) > 245);
}

TEST_CASE("cover art that cannot be had fails fast with a reason, and nothing else is touched") {
  ImageServer srv;
  SUBCASE("404") {
    auto r = load_cover_art(srv.url("/missing"), 64, 3);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("404") != std::string::npos);
  }
  SUBCASE("a web page, not an image") {
    auto r = load_cover_art(srv.url("/text"), 64, 3);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("cover art http://127.0.0.1:") == 0);
  }
  SUBCASE("a server that never answers: the total deadline holds") {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = load_cover_art(srv.url("/slow"), 64, 1);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE_FALSE(r);
    CHECK(r.error().find("no answer within 1s") != std::string::npos);
    CHECK(took < 3);
  }
  SUBCASE("no local files: neither named directly nor reached by a redirect") {
    auto direct = load_cover_art("file:///etc/passwd", 64, 3);
    REQUIRE_FALSE(direct);
    CHECK(direct.error().find("only http:// and https://") != std::string::npos);
    auto redirected = load_cover_art(srv.url("/to-file"), 64, 3);
    REQUIRE_FALSE(redirected);
    CHECK(srv.hits() == 1);
  }
  SUBCASE("nothing listens") {
    auto r = load_cover_art("http://127.0.0.1:1/art.jpg", 64, 2);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("Connection refused") != std::string::npos);
  }
  SUBCASE("credentials in the URL never reach the error") {
    auto r = load_cover_art("http://user:s3cret@127.0.0.1:1/art.jpg?token=abc123", 64, 2);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("s3cret") == std::string::npos);
    CHECK(r.error().find("abc123") == std::string::npos);
  }
}
