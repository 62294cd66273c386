// Splice timestamps: one packet per output frame, DTS +1 each, no PTS hole, keyframes within one
// GOP, across wraps and switches, for loops whose length is not a multiple of the GOP, over a year.
#include <doctest/doctest.h>

#include <random>
#include <set>

#include "engine/splice/splice_clock.hpp"
#include "engine/splice/splicer.hpp"

using namespace loopcast;

namespace {
// Decode order of an x264-like closed-GOP encode with 3 B-frames and a pyramid, IDR every `gop`:
// I0 P4 B2 b1 b3 P8 B6 b5 b7 …, the last mini-GOP of a GOP shorter.
std::unique_ptr<CachedLoop> synthetic_loop(int frames, int gop, uint8_t tag, std::vector<uint8_t> extradata = {1, 2, 3}) {
  std::vector<CachedPacket> pk;
  auto add = [&](int pts, bool key) {
    CachedPacket c;
    c.pkt = make_packet();
    av_new_packet(c.pkt.get(), 1);
    c.pkt->data[0] = tag;
    c.pts = pts;
    c.key = key;
    pk.push_back(std::move(c));
  };
  for (int s = 0; s < frames; s += gop) {
    const int e = std::min(frames, s + gop);
    add(s, true);
    for (int i = s + 1; i < e;) {
      const int p = std::min(i + 3, e - 1);
      add(p, false);
      const int mid = i + (p - i) / 2;  // the pyramid's reference B first
      if (mid < p) add(mid, false);
      for (int b = i; b < p; ++b)
        if (b != mid) add(b, false);
      i = p + 1;
    }
  }
  auto loop = CachedLoop::create(std::string(1, static_cast<char>('a' + tag)), std::move(pk), std::move(extradata), gop);
  REQUIRE_MESSAGE(loop, loop.error());
  return std::move(*loop);
}

// Output checks: DTS steps by one, PTS >= DTS, every output frame shown exactly once (checked in
// windows), keyframes at most `gop` frames apart in presentation order.
struct StreamCheck {
  int gop;
  int64_t last_dts = INT64_MIN;
  int64_t last_key_pts = 0;
  std::set<int64_t> shown;
  int64_t next_unshown = 0;
  void take(const SplicedPacket& sp) {
    REQUIRE((last_dts == INT64_MIN || sp.dts == last_dts + 1));
    REQUIRE(sp.pts >= sp.dts);
    last_dts = sp.dts;
    REQUIRE(shown.insert(sp.pts).second);
    while (shown.count(next_unshown)) shown.erase(next_unshown++);
    REQUIRE(shown.size() <= 3);  // reordering never leaves a hole behind
    if (sp.packet->key) {
      REQUIRE(sp.pts - last_key_pts <= gop);
      last_key_pts = sp.pts;
    }
  }
};
}  // namespace

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
