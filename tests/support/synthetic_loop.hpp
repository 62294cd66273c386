// Cached loops without an encoder, for splicer tests: the packet order of an x264 closed-GOP encode
// (3 B-frames, pyramid, IDR every GOP), each packet one byte `tag`; and the checks every spliced
// stream must pass.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/splice/splicer.hpp"

namespace loopcast::test {
// Decode order of an x264-like closed-GOP encode with 3 B-frames and a pyramid, IDR every `gop`:
// I0 P4 B2 b1 b3 P8 B6 b5 b7 …, the last mini-GOP of a GOP shorter.
inline std::unique_ptr<CachedLoop> synthetic_loop(int frames, int gop, uint8_t tag, std::vector<uint8_t> extradata = {1, 2, 3}) {
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

}  // namespace loopcast::test
