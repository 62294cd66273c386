// Issue 26 in splice mode: `loopcast prepare` encodes a loop in its fit (bars, crop, upright), and
// the fit mode is part of the cache key, so changing it rebuilds instead of reusing the old picture.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "engine/splice/cache_builder.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/loop_cache.hpp"
#include "tests/support/picture_probe.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
using loopcast::test::Hue;
using loopcast::test::hue_at;
namespace fs = std::filesystem;

namespace {

EngineConfig small_profile(FitMode fit) {
  EngineConfig c;
  c.width = 320;
  c.height = 180;
  c.fps = 30;
  c.video_bitrate = 300'000;
  c.keyframe_interval = 0.5;
  c.fit = fit;
  return c;
}

std::string hue(const AVFrame* f, int x, int y) { return to_string(hue_at(f, x, y)); }
}  // namespace

TEST_CASE("fit: the fit mode is part of the splice cache key, so a cache prepared with one fit is not reused for another") {
  const std::string loop = fixture("fit_4x3.mp4");
  auto contain = cache_path("/c", loop, small_profile(FitMode::contain));
  auto cover = cache_path("/c", loop, small_profile(FitMode::cover));
  auto stretch = cache_path("/c", loop, small_profile(FitMode::stretch));
  REQUIRE(contain);
  REQUIRE(cover);
  REQUIRE(stretch);
  CHECK(*contain != *cover);
  CHECK(*contain != *stretch);
  CHECK(*cover != *stretch);
  CHECK(cache_profile(small_profile(FitMode::cover)).find(" fit cover ") != std::string::npos);

  const loopcast::test::TempDir dir("fitcache");
  LoopCache covered(small_profile(FitMode::cover), dir.path);
  auto built = covered.ensure(loop);
  REQUIRE_MESSAGE(built, built.error());
  const std::string cover_entry = *cache_path(dir.path, loop, small_profile(FitMode::cover));
  REQUIRE(fs::exists(cover_entry));
  // The same directory, another fit: the cover entry is not this stream's.
  LoopCache contained(small_profile(FitMode::contain), dir.path);
  auto stale = contained.load(loop);
  REQUIRE_FALSE(stale);
  CHECK(stale.code() == Errc::not_found);
  auto rebuilt = contained.ensure(loop);
  REQUIRE_MESSAGE(rebuilt, rebuilt.error());
  const std::string contain_entry = *cache_path(dir.path, loop, small_profile(FitMode::contain));
  CHECK(contain_entry != cover_entry);
  CHECK(fs::exists(contain_entry));
  CHECK(fs::exists(cover_entry));
  // And each entry holds its own picture: bars in one, none in the other.
  auto with_bars = loopcast::test::decode_picture(contain_entry);
  auto cropped = loopcast::test::decode_picture(cover_entry);
  REQUIRE_MESSAGE(with_bars, with_bars.error());
  REQUIRE_MESSAGE(cropped, cropped.error());
  CHECK(hue(with_bars->get(), 10, 90) == "black");
  CHECK(hue(cropped->get(), 10, 90) == "lime");
}

TEST_CASE("fit: a splice cache shows a 4:3 loop pillar-boxed and a phone loop upright, like encode mode") {
  const loopcast::test::TempDir dir("fitbuild");
  auto four_three = build_cache(fixture("fit_4x3.mp4"), dir.path + "/a.mp4", small_profile(FitMode::contain));
  REQUIRE_MESSAGE(four_three, four_three.error());
  for (int index : {0, 29}) {  // the first frame (an IDR) and the last of the pass
    CAPTURE(index);
    auto f = loopcast::test::decode_picture(dir.path + "/a.mp4", index);
    REQUIRE_MESSAGE(f, f.error());
    for (int y : {4, 90, 175}) {
      CAPTURE(y);
      for (int x : {2, 20, 36, 284, 300, 317}) CHECK(hue(f->get(), x, y) == "black");
    }
    CHECK(hue(f->get(), 160, 8) == "red");
    CHECK(hue(f->get(), 160, 90) == "lime");
    CHECK(hue(f->get(), 160, 172) == "blue");
    CHECK(hue(f->get(), 46, 90) == "lime");
    CHECK(hue(f->get(), 274, 90) == "lime");
  }
  auto phone = build_cache(fixture("fit_rot90.mp4"), dir.path + "/b.mp4", small_profile(FitMode::contain));
  REQUIRE_MESSAGE(phone, phone.error());
  auto f = loopcast::test::decode_picture(dir.path + "/b.mp4");
  REQUIRE_MESSAGE(f, f.error());
  for (int x : {4, 60, 100, 218, 260, 316}) CHECK(hue(f->get(), x, 90) == "black");
  CHECK(hue(f->get(), 160, 30) == "red");
  CHECK(hue(f->get(), 160, 150) == "blue");
}
