// The loop cache: keys follow content and profile, a build has the pinned shape and the shared
// SPS/PPS, and a partial, corrupt or foreign entry is detected and rebuilt.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "engine/splice/cache_builder.hpp"
#include "engine/splice/cache_file.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/loop_cache.hpp"
#include "engine/splice/splice_clock.hpp"
#include "engine/splice/splice_path.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
namespace fs = std::filesystem;

namespace {

EngineConfig small_profile() {
  EngineConfig c;
  c.width = 320;
  c.height = 180;
  c.fps = 30;
  c.video_bitrate = 300'000;
  c.keyframe_interval = 0.5;  // GOP 15: several keyframes in a 1 s loop
  return c;
}

void flip_byte(const std::string& path, std::streamoff at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(at);
  char c = 0;
  f.get(c);
  f.seekp(at);
  f.put(static_cast<char>(c ^ 0x5a));
}
}  // namespace

TEST_CASE("cache key: stable for the same bytes, sensitive to content and profile") {
  const loopcast::test::TempDir dir_tmp("cachekey");
  const std::string& dir = dir_tmp.path;
  const std::string a = fixture("loop_1s_25fps.mp4");
  const std::string copy = dir + "/renamed.mp4";
  fs::copy_file(a, copy);
  auto h1 = content_hash(a), h2 = content_hash(copy);
  REQUIRE(h1);
  REQUIRE(h2);
  CHECK(*h1 == *h2);  // same bytes, other name: one entry
  CHECK(h1->size() == 64);
  flip_byte(copy, 100);
  CHECK(*content_hash(copy) != *h1);
  EngineConfig p = small_profile();
  auto k1 = cache_path("/c", a, p), k1again = cache_path("/c", a, p);
  REQUIRE(k1);
  CHECK(*k1 == *k1again);
  for (auto change : {+[](EngineConfig& c) { c.video_bitrate = 400'000; }, +[](EngineConfig& c) { c.fps = 25; },
                      +[](EngineConfig& c) { c.width = 640; }, +[](EngineConfig& c) { c.keyframe_interval = 1; }}) {
    EngineConfig q = small_profile();
    change(q);
    CHECK(*cache_path("/c", a, q) != *k1);
  }
  EngineConfig live_only = small_profile();
  live_only.preset = "ultrafast";  // the live preset does not reach the cache
  CHECK(*cache_path("/c", a, live_only) == *k1);
  CHECK_FALSE(content_hash(dir + "/missing.mp4"));
}

TEST_CASE("cache build: frame count, IDR rhythm, closed cuts and identical SPS/PPS across loops") {
  const loopcast::test::TempDir dir_tmp("cachebuild");
  const std::string& dir = dir_tmp.path;
  const EngineConfig cfg = small_profile();
  auto a = build_cache(fixture("loop_1s_25fps.mp4"), dir + "/a.mp4", cfg);
  REQUIRE_MESSAGE(a, a.error());
  auto b = build_cache(fixture("loop_half_60fps.webm"), dir + "/b.mp4", cfg);
  REQUIRE_MESSAGE(b, b.error());
  CHECK((*a)->frames() == 30);  // one 1 s pass at 30 fps
  CHECK((*b)->frames() == 15);  // its 0.5 s pass (60 fps) at 30 fps: one GOP
  for (auto* loop : {a->get(), b->get()}) {
    for (int64_t k = 0; k < loop->frames(); ++k) {
      const auto& p = loop->packet(k);
      CHECK(p.key == (p.pts % 15 == 0));  // IDR at 0 and every GOP, nowhere else
    }
    CHECK(loop->clean_after(loop->frames()));
    CHECK(loop->reorder_delay() <= kCacheReorderDelay);
  }
  CHECK((*a)->extradata() == (*b)->extradata());  // one sequence header for every loop
  CHECK((*a)->extradata().size() > 10);
  CHECK((*a)->extradata()[0] == 1);  // avcC, as the MP4 stores it and FLV sends it

  EngineConfig two_s = cfg;  // a 1 s loop under a 2 s keyframe interval repeats to fill one GOP
  two_s.keyframe_interval = 2;
  auto c = build_cache(fixture("loop_1s_25fps.mp4"), dir + "/c.mp4", two_s);
  REQUIRE_MESSAGE(c, c.error());
  CHECK((*c)->frames() == 60);

  EngineConfig odd = cfg;  // 30 frames under a 12-frame GOP: IDRs at 0, 12, 24, a last GOP of 6
  odd.keyframe_interval = 0.4;
  auto d = build_cache(fixture("loop_1s_25fps.mp4"), dir + "/d.mp4", odd);
  REQUIRE_MESSAGE(d, d.error());
  REQUIRE((*d)->frames() == 30);
  std::vector<int64_t> keys;
  for (int64_t k = 0; k < (*d)->frames(); ++k)
    if ((*d)->packet(k).key) keys.push_back((*d)->packet(k).pts);
  CHECK(keys == std::vector<int64_t>{0, 12, 24});
  CHECK(splice_clock::last_gop_length(30, 12) == 6);  // the wrap's keyframe distance: within the interval
}

TEST_CASE("cache: partial, corrupt and foreign entries are detected and rebuilt") {
  const loopcast::test::TempDir dir_tmp("cachebad");
  const std::string& dir = dir_tmp.path;
  const EngineConfig cfg = small_profile();
  const std::string loop = fixture("loop_1s_25fps.mp4");
  LoopCache cache(cfg, dir);
  auto first = cache.ensure(loop);
  REQUIRE_MESSAGE(first, first.error());
  const std::string path = *cache_path(dir, loop, cfg);
  REQUIRE(fs::exists(path));
  const auto size = fs::file_size(path);
  const CacheMeta meta{loop, cache_profile(cfg), cfg.fps, gop_frames(cfg)};

  SUBCASE("partial") { fs::resize_file(path, size / 2); }
  SUBCASE("corrupt picture data") { flip_byte(path, static_cast<std::streamoff>(size / 3)); }
  SUBCASE("other settings") {
    CacheMeta other = meta;
    other.profile += " changed";
    auto r = read_cache(path, other);
    CHECK_FALSE(r);
    CHECK(r.code() == Errc::invalid);
    flip_byte(path, static_cast<std::streamoff>(size / 3));  // (and then rebuilt like the others)
  }
  auto bad = read_cache(path, meta);
  REQUIRE_FALSE(bad);
  CHECK(bad.code() == Errc::invalid);
  auto again = cache.ensure(loop);  // detects, removes, rebuilds
  REQUIRE_MESSAGE(again, again.error());
  CHECK((*again)->frames() == (*first)->frames());
  CHECK(read_cache(path, meta));
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".part-") == std::string::npos);  // no leftovers
}

TEST_CASE("splice path: a loop with other SPS/PPS is refused, never sent mid-stream") {
  const loopcast::test::TempDir dir_tmp("cachemismatch");
  const std::string& dir = dir_tmp.path;
  EngineConfig cfg = small_profile();
  auto a = build_cache(fixture("loop_1s_25fps.mp4"), dir + "/a.mp4", cfg);
  REQUIRE(a);
  EngineConfig other = cfg;
  other.video_bitrate = 500'000;  // HRD parameters live in the SPS
  auto b = build_cache(fixture("loop_half_60fps.webm"), dir + "/b.mp4", other);
  REQUIRE(b);
  REQUIRE((*a)->extradata() != (*b)->extradata());
  auto path = SplicePath::create(std::move(*a), cfg);
  REQUIRE(path);
  Status st = (*path)->queue(std::move(*b));
  CHECK_FALSE(st);
  CHECK(st.error().find("parameter sets differ") != std::string::npos);
  bool switched = true;
  for (int i = 0; i < 40; ++i) {
    (*path)->next(&switched);
    CHECK_FALSE(switched);
  }
  CHECK((*path)->params(0)->extradata_size > 10);
}
