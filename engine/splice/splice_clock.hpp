// Timestamps of spliced (pre-encoded) video: pure integer maths over frame counters, so loop wraps
// and switches never drift or jump however long the stream runs. A cached loop entered at output
// frame `base` (always on its frame-0 IDR) shows its local frame i at base + i; its k-th packet in
// decode order gets DTS base + k - delay, where `delay` is one reorder depth shared by every cached
// loop. One packet per output frame, so DTS steps by exactly one across every wrap and switch.
#pragma once
#include <cstdint>

namespace loopcast::splice_clock {

// Output PTS of local frame `local_pts` of a loop entered at output frame `base`.
constexpr int64_t pts(int64_t base, int64_t local_pts) { return base + local_pts; }

// Output DTS of the packet at `decode_index` (0 = the loop's IDR) of that loop.
constexpr int64_t dts(int64_t base, int64_t decode_index, int delay) { return base + decode_index - delay; }

// The reorder depth one packet needs so that its PTS is never below its DTS.
constexpr int64_t delay_needed(int64_t decode_index, int64_t local_pts) {
  return decode_index > local_pts ? decode_index - local_pts : 0;
}

// A cut after the first `k` packets (decode order) is clean when they show exactly the loop's
// frames 0..k-1: no PTS hole, and nothing sent references a packet not sent (references only
// point back in decode order). `prefix_max_pts` = largest local PTS among those k packets.
constexpr bool clean_cut(int64_t k, int64_t prefix_max_pts) { return prefix_max_pts == k - 1; }

// Length of a loop's last GOP when IDRs are forced at every multiple of `gop` from frame 0: the
// keyframe distance across a wrap (the next pass starts on its own IDR). Always in 1..gop.
constexpr int64_t last_gop_length(int64_t frames, int64_t gop) { return frames - ((frames - 1) / gop) * gop; }

}  // namespace loopcast::splice_clock
