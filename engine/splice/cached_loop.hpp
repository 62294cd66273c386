// One loop pre-encoded to one exact profile (the stream's, or an output's own), held in memory:
// its H.264 or HEVC packets in decode order with their local frame numbers, the shared parameter
// sets (extradata), and where a cut is clean.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"

namespace loopcast {

struct CachedPacket {
  PacketPtr pkt;      // data only; timestamps are rebuilt at splice time
  int64_t pts = 0;    // local frame number, 0..frames-1
  bool key = false;   // IDR
};

// A packet an encoder just gave, kept for the cache (its data referenced, its frame number and IDR flag).
inline CachedPacket cached_packet(const AVPacket* p) {
  CachedPacket c;
  c.pts = p->pts;
  c.key = p->flags & AV_PKT_FLAG_KEY;
  c.pkt.reset(av_packet_clone(p));
  return c;
}

class CachedLoop {
 public:
  // Checks what splicing relies on: packet PTS are exactly 0..N-1, the first packet is the frame-0
  // IDR, and keyframes are at most `max_gop` frames apart (also across the wrap).
  static Result<std::unique_ptr<CachedLoop>> create(std::string source, std::vector<CachedPacket> packets, std::vector<uint8_t> extradata,
                                                    int max_gop, AVCodecID codec = AV_CODEC_ID_H264);

  const std::string& source() const { return source_; }  // the loop file it was made from
  int64_t frames() const { return static_cast<int64_t>(packets_.size()); }
  const CachedPacket& packet(int64_t k) const { return packets_[static_cast<size_t>(k)]; }
  // Clean to leave this loop after its first k packets (k = frames(): the end of a pass).
  bool clean_after(int64_t k) const { return clean_[static_cast<size_t>(k)]; }
  int64_t reorder_delay() const { return delay_; }
  const std::vector<uint8_t>& extradata() const { return extradata_; }
  AVCodecID codec() const { return codec_; }  // H.264 or HEVC
  uint64_t bytes() const { return bytes_; }
  // Splice mode with outputs' own profiles: the same loop cached for each other profile
  // (renditions 1.., in plan_renditions' order), carried with this one, the stream's own.
  void add_rendition(std::unique_ptr<CachedLoop> other) { others_.push_back(std::move(other)); }
  size_t renditions() const { return 1 + others_.size(); }
  // Rendition r >= 1 handed over (null when there is none, or it was taken).
  std::unique_ptr<CachedLoop> take_rendition(size_t r) { return r >= 1 && r <= others_.size() ? std::move(others_[r - 1]) : nullptr; }

 private:
  CachedLoop() = default;
  std::string source_;
  std::vector<CachedPacket> packets_;
  std::vector<bool> clean_;  // frames() + 1 entries
  std::vector<uint8_t> extradata_;
  AVCodecID codec_ = AV_CODEC_ID_H264;
  std::vector<std::unique_ptr<CachedLoop>> others_;
  int64_t delay_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace loopcast
