#include "engine/splice/segment_encoder.hpp"

#include <atomic>

#include "base/log.hpp"
#include "engine/splice/cache_key.hpp"

namespace loopcast {
namespace {
// `n` NAL units each after a 16-bit length, from d[at] on (avcC and hvcC lists); false when cut short.
bool read_nals(const uint8_t* d, int size, int& at, int n, std::vector<std::vector<uint8_t>>& out) {
  for (int i = 0; i < n; ++i) {
    if (at + 2 > size) return false;
    const int len = d[at] << 8 | d[at + 1];
    at += 2;
    if (at + len > size) return false;
    out.emplace_back(d + at, d + at + len);
    at += len;
  }
  return true;
}

// avcC: version, profile, compat, level, length size; then the SPS count (low 5 bits) and SPSs,
// the PPS count and PPSs.
std::vector<std::vector<uint8_t>> from_avcc(const uint8_t* d, int size) {
  std::vector<std::vector<uint8_t>> out;
  if (size < 7) return {};
  int at = 5;
  for (int list = 0; list < 2; ++list) {
    if (at >= size) return {};
    const int n = list == 0 ? d[at] & 0x1f : d[at];
    ++at;
    if (!read_nals(d, size, at, n, out)) return {};
  }
  return out;
}

// hvcC (ISO/IEC 14496-15 8.3.3): 22 bytes of profile and stream fields, the array count, then per
// array its NAL type, its NAL count and the NALs.
std::vector<std::vector<uint8_t>> from_hvcc(const uint8_t* d, int size) {
  std::vector<std::vector<uint8_t>> out;
  if (size < 23) return {};
  int at = 23;
  for (int a = 0, arrays = d[22]; a < arrays; ++a) {
    if (at + 3 > size) return {};
    const int n = d[at + 1] << 8 | d[at + 2];
    at += 3;
    if (!read_nals(d, size, at, n, out)) return {};
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

std::vector<std::vector<uint8_t>> parameter_sets(const uint8_t* data, int size, AVCodecID codec) {
  if (!data || size <= 0) return {};
  const bool hevc = codec == AV_CODEC_ID_HEVC;
  auto all = data[0] != 1 ? from_annex_b(data, size) : hevc ? from_hvcc(data, size) : from_avcc(data, size);
  // Only the parameter sets: an SEI the encoder puts beside them in its headers is no part of the bitstream's setup.
  std::vector<std::vector<uint8_t>> out;
  for (auto& nal : all) {
    if (nal.empty()) continue;
    const int type = hevc ? (nal[0] >> 1) & 0x3f : nal[0] & 0x1f;
    if (hevc ? (type >= 32 && type <= 34) : (type == 7 || type == 8)) out.push_back(std::move(nal));
  }
  return out;
}

Result<Encoder> segment_encoder(const EngineConfig& cfg, const std::vector<uint8_t>& loop_extradata) {
  const AVCodecID codec = cfg.codec == VideoCodec::hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264;
  // Once the fast tuning is seen to differ (another x264 or x265 build), every later segment of
  // that codec goes straight to the cache's tuning.
  static std::atomic<bool> fast_differs_by_codec[2] = {false, false};
  std::atomic<bool>& fast_differs = fast_differs_by_codec[cfg.codec == VideoCodec::hevc ? 1 : 0];
  const auto want = parameter_sets(loop_extradata.data(), static_cast<int>(loop_extradata.size()), codec);
  if (want.empty()) return Encoder::tuned(cfg, cache_tuning(cfg));  // nothing to compare with: the sure way
  if (!fast_differs) {
    auto fast = Encoder::tuned(cfg, segment_tuning(cfg));
    if (!fast) return fast;
    const AVCodecContext* c = fast->ctx();
    if (parameter_sets(c->extradata, c->extradata_size, codec) == want) return fast;
    fast_differs = true;
    log::info("card", "{}'s fast settings give other parameter sets than the cached loops: segments use the cache's settings",
              c->codec->name);
  }
  return Encoder::tuned(cfg, cache_tuning(cfg));
}

}  // namespace loopcast
