// What to drop when an output's queue holds more media time than the ingest can catch up with
// (OBS rtmp-stream.c check_to_drop_frames is the model). Pure: the queue is described by its
// packets' facts, the answer is which of them to drop. The backlog is measured in media time
// (DTS span), not in packets, so it means the same at any frame rate or bitrate.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace loopcast {

struct QueuedPacketInfo {
  int64_t dts_us = 0;       // decode time in microseconds
  bool video = false;
  bool key = false;         // a video keyframe: a decoder can start here
  bool disposable = false;  // a non-reference frame (AV_PKT_FLAG_DISPOSABLE): nothing decodes from it
};

struct BacklogLimits {
  double drop_disposable_s = 2.0;  // queued video span past which non-reference frames go
  double drop_gop_s = 4.0;         // past which video jumps to the newest queued keyframe
  double drop_all_s = 10.0;        // last resort: the ingest cannot even carry the audio
};

enum class DropLevel { none, disposable, gop, all };

struct DropPlan {
  DropLevel level = DropLevel::none;
  std::vector<bool> drop;      // one per queued packet (empty when level is none)
  bool wait_keyframe = false;  // later video must wait for a keyframe (the GOP it belongs to was cut)
};

// Seconds between the first and last queued video packet (DTS); the audio span when no video.
double buffered_s(const std::vector<QueuedPacketInfo>& queue);
// Seconds between the first and last queued packet of any kind.
double queue_span_s(const std::vector<QueuedPacketInfo>& queue);

// The drop decision for a queue in send order:
// - video span past drop_disposable_s: every disposable video packet;
// - past drop_gop_s: every video packet before the newest queued keyframe (stale GOPs and the tail
//   of the GOP being sent); if the span from that keyframe on is still past the limit (or no
//   keyframe is queued) also the video after it, and later video waits for the next keyframe;
// - whole-queue span past drop_all_s: every packet, audio too (unbounded memory is the only other
//   way), and later video waits for a keyframe.
// Audio is never dropped below drop_all_s; the keyframe later video decodes from is never dropped.
DropPlan plan_drops(const std::vector<QueuedPacketInfo>& queue, const BacklogLimits& limits);

}  // namespace loopcast
