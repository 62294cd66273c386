#include "engine/splice/cached_loop.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/splice/splice_clock.hpp"

namespace loopcast {

Result<std::unique_ptr<CachedLoop>> CachedLoop::create(std::string source, std::vector<CachedPacket> packets,
                                                       std::vector<uint8_t> extradata, int max_gop, AVCodecID codec) {
  auto bad = [&](const std::string& why) { return Error{fmt::format("cached loop '{}': {}", source, why), Errc::invalid}; };
  if (packets.empty()) return bad("no packets");
  if (!packets[0].key || packets[0].pts != 0) return bad("does not start on its frame-0 IDR");
  if (extradata.empty()) return bad("no SPS/PPS");
  const int64_t n = static_cast<int64_t>(packets.size());
  std::unique_ptr<CachedLoop> loop(new CachedLoop());
  loop->codec_ = codec;
  loop->clean_.assign(packets.size() + 1, false);
  loop->clean_[0] = true;
  std::vector<bool> seen(packets.size(), false);
  int64_t prefix_max = -1, last_key = 0;
  for (int64_t k = 0; k < n; ++k) {
    const CachedPacket& p = packets[static_cast<size_t>(k)];
    if (p.pts < 0 || p.pts >= n || seen[static_cast<size_t>(p.pts)]) return bad(fmt::format("packet {}: frame {} out of range or repeated", k, p.pts));
    seen[static_cast<size_t>(p.pts)] = true;
    if (p.key) {
      if (p.pts - last_key > max_gop) return bad(fmt::format("keyframes {} frames apart (max {})", p.pts - last_key, max_gop));
      last_key = p.pts;
    }
    prefix_max = std::max(prefix_max, p.pts);
    loop->clean_[static_cast<size_t>(k + 1)] = splice_clock::clean_cut(k + 1, prefix_max);
    loop->delay_ = std::max(loop->delay_, splice_clock::delay_needed(k, p.pts));
    loop->bytes_ += static_cast<uint64_t>(p.pkt ? p.pkt->size : 0);
  }
  if (n - last_key > max_gop) return bad(fmt::format("last GOP of {} frames (max {})", n - last_key, max_gop));
  loop->source_ = std::move(source);
  loop->packets_ = std::move(packets);
  loop->extradata_ = std::move(extradata);
  return loop;
}

}  // namespace loopcast
