#include "engine/splice/segment_encoder.hpp"

#include <atomic>

#include "base/log.hpp"
#include "engine/splice/cache_key.hpp"

namespace loopcast {
namespace {
std::vector<std::vector<uint8_t>> from_avcc(const uint8_t* d, int size) {
  std::vector<std::vector<uint8_t>> out;
  if (size < 7) return {};
  int at = 5;
  for (int list = 0; list < 2; ++list) {  // SPS count (low 5 bits), then PPS count
    if (at >= size) return {};
    const int n = list == 0 ? d[at] & 0x1f : d[at];
    ++at;
    for (int i = 0; i < n; ++i) {
      if (at + 2 > size) return {};
      const int len = d[at] << 8 | d[at + 1];
      at += 2;
      if (at + len > size) return {};
      out.emplace_back(d + at, d + at + len);
      at += len;
    }
  }
  return out;
}

std::vector<std::vector<uint8_t>> from_annex_b(const uint8_t* d, int size) {
  std::vector<std::vector<uint8_t>> out;
  auto start_code = [&](int i) { return i + 3 <= size && d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1; };
  int i = 0;
  while (i < size && !start_code(i)) ++i;
  while (i < size) {
    const int begin = i + 3;
    int end = begin;
    while (end < size && !start_code(end)) ++end;
    int last = end;
    while (last > begin && d[last - 1] == 0) --last;  // a 4-byte start code's leading zero
    if (last > begin) out.emplace_back(d + begin, d + last);
    i = end;
  }
  return out;
}
}  // namespace

std::vector<std::vector<uint8_t>> parameter_sets(const uint8_t* data, int size) {
  if (!data || size <= 0) return {};
  return data[0] == 1 ? from_avcc(data, size) : from_annex_b(data, size);
}

Result<Encoder> segment_encoder(const EngineConfig& cfg, const std::vector<uint8_t>& loop_extradata) {
  // Once the fast tuning is seen to differ (another x264 build), every later segment goes straight
  // to the cache's tuning.
  static std::atomic<bool> fast_differs{false};
  const auto want = parameter_sets(loop_extradata.data(), static_cast<int>(loop_extradata.size()));
  if (want.empty()) return Encoder::h264(cfg, cache_tuning(cfg));  // nothing to compare with: the sure way
  if (!fast_differs) {
    auto fast = Encoder::h264(cfg, segment_tuning(cfg));
    if (!fast) return fast;
    const AVCodecContext* c = fast->ctx();
    if (parameter_sets(c->extradata, c->extradata_size) == want) return fast;
    fast_differs = true;
    log::info("card", "x264's fast settings give other SPS/PPS than the cached loops: segments use the cache's settings");
  }
  return Encoder::h264(cfg, cache_tuning(cfg));
}

}  // namespace loopcast
