// Splice timestamps: one packet per output frame, DTS +1 each, no PTS hole, keyframes within one
// GOP, across wraps and switches, for loops whose length is not a multiple of the GOP, over a year.
#include <doctest/doctest.h>

#include <random>
#include <set>

#include "engine/splice/splice_clock.hpp"
#include "engine/splice/splicer.hpp"
#include "tests/support/synthetic_loop.hpp"

using namespace loopcast;

using loopcast::test::StreamCheck;
using loopcast::test::synthetic_loop;

TEST_CASE("splice clock: last GOP length is always within 1..gop") {
  for (int64_t gop = 1; gop <= 120; ++gop)
    for (int64_t frames = 1; frames <= 1000; ++frames) {
      const int64_t last = splice_clock::last_gop_length(frames, gop);
      REQUIRE(last >= 1);
      REQUIRE(last <= gop);
      REQUIRE((frames - last) % gop == 0);
    }
  CHECK(splice_clock::clean_cut(0, -1));
  CHECK(splice_clock::clean_cut(4, 3));
  CHECK_FALSE(splice_clock::clean_cut(2, 3));
}

TEST_CASE("splice: wraps and random switches keep DTS +1, no PTS hole, keyframes within one GOP") {
  const int gop = 60;
  std::vector<int> lengths = {301, 97, 600, 61};  // not multiples of the GOP, one shorter than two GOPs
  std::mt19937 rng(7);
  Splicer sp(synthetic_loop(lengths[0], gop, 0), 2);
  StreamCheck check{gop};
  std::unique_ptr<CachedLoop> pending;
  int64_t requested_at = -1, switches = 0;
  for (int64_t n = 0; n < 3'000'000; ++n) {  // ~28 hours at 30 fps
    if (!pending && rng() % 500 == 0) {
      const int which = static_cast<int>(rng() % lengths.size());
      pending = synthetic_loop(lengths[which], gop, static_cast<uint8_t>(which));
      requested_at = n;
    }
    const SplicedPacket p = sp.next(pending);
    REQUIRE(p.pts - p.dts <= 2 + 3);
    check.take(p);
    if (p.switched) {
      ++switches;
      REQUIRE(p.packet->key);        // a new loop starts on its IDR
      REQUIRE(n - requested_at <= 3);  // at most B-frames frames late (100 ms at 30 fps)
      REQUIRE(p.pts == n);           // on air at once: shown at the frame it replaces
    }
    REQUIRE(sp.frames_out() == n + 1);
  }
  CHECK(switches > 5000);
  CHECK(sp.wraps() > 100);
}

TEST_CASE("splice: a year of wraps in, timestamps stay exact and millisecond DTS strictly increase") {
  const int64_t year = int64_t{365} * 24 * 3600 * 30;
  const int gop = 60;
  // A 301-frame loop wraps 3.1 million times a year: pick up a year in (its pass starts there).
  const int64_t start = year - 150;
  Splicer sp(synthetic_loop(301, gop, 0), 2, start);
  std::unique_ptr<CachedLoop> pending;
  int64_t last_ms = INT64_MIN;
  StreamCheck check{gop};
  check.next_unshown = start;
  check.last_key_pts = start;
  for (int64_t i = 0; i < 301 * 3; ++i) {
    if (i == 400) pending = synthetic_loop(97, gop, 1);
    const SplicedPacket p = sp.next(pending);
    REQUIRE(p.dts == start + i - 2);
    check.take(p);
    const int64_t ms = av_rescale_q(p.dts, AVRational{1, 30}, AVRational{1, 1000});  // FLV time base
    REQUIRE(ms > last_ms);
    last_ms = ms;
  }
  CHECK(sp.frames_out() == start + 301 * 3);
  CHECK(last_ms > int64_t{365} * 24 * 3600 * 1000 - 60'000);
}

TEST_CASE("cached loop: refuses what splicing cannot use") {
  auto make = [](std::vector<std::pair<int, bool>> frames, int gop) {
    std::vector<CachedPacket> pk;
    for (auto [pts, key] : frames) {
      CachedPacket c;
      c.pkt = make_packet();
      c.pts = pts;
      c.key = key;
      pk.push_back(std::move(c));
    }
    return CachedLoop::create("x", std::move(pk), {1}, gop);
  };
  CHECK(make({{0, true}, {2, false}, {1, false}}, 60));
  CHECK_FALSE(make({{1, false}, {0, true}}, 60));                    // not starting on the IDR
  CHECK_FALSE(make({{0, true}, {2, false}}, 60));                    // a hole
  CHECK_FALSE(make({{0, true}, {1, false}, {1, false}}, 60));        // a repeat
  CHECK_FALSE(make({{0, true}, {1, false}, {2, false}}, 2));         // last GOP longer than the interval
  auto ok = make({{0, true}, {3, false}, {1, false}, {2, false}, {4, true}}, 4);
  REQUIRE(ok);
  CHECK((*ok)->clean_after(1));
  CHECK_FALSE((*ok)->clean_after(2));
  CHECK_FALSE((*ok)->clean_after(3));
  CHECK((*ok)->clean_after(4));
  CHECK((*ok)->reorder_delay() == 1);
}
