#include "engine/output/h264_nal.hpp"

namespace loopcast {
namespace {

enum class Verdict { reference, non_reference, no_slice };

// One NAL unit's header byte: forbidden bit, nal_ref_idc (2 bits), nal_unit_type (5 bits).
// Types 1 (non-IDR slice) and 5 (IDR slice) carry picture data; the rest (SEI, SPS, AUD...) do not.
Verdict judge(uint8_t header, Verdict so_far) {
  const int type = header & 0x1f;
  if (type != 1 && type != 5) return so_far;
  if ((header >> 5) & 3) return Verdict::reference;
  return so_far == Verdict::reference ? Verdict::reference : Verdict::non_reference;
}

bool annex_b(const uint8_t* d, int n) { return n >= 4 && d[0] == 0 && d[1] == 0 && (d[2] == 1 || (d[2] == 0 && d[3] == 1)); }

Verdict scan_annex_b(const uint8_t* d, int n) {
  Verdict v = Verdict::no_slice;
  for (int i = 0; i + 3 < n; ++i) {
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) {
      v = judge(d[i + 3], v);
      if (v == Verdict::reference) return v;
      i += 2;
    }
  }
  return v;
}

Verdict scan_avcc(const uint8_t* d, int n) {
  Verdict v = Verdict::no_slice;
  for (int64_t at = 0; at + 4 < n;) {
    const int64_t len = (int64_t{d[at]} << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3];
    if (len <= 0 || at + 4 + len > n) return Verdict::reference;  // not AVCC after all: keep it
    v = judge(d[at + 4], v);
    if (v == Verdict::reference) return v;
    at += 4 + len;
  }
  return v;
}

}  // namespace

bool h264_non_reference(const uint8_t* data, int size) {
  if (!data || size < 5) return false;
  return (annex_b(data, size) ? scan_annex_b(data, size) : scan_avcc(data, size)) == Verdict::non_reference;
}

}  // namespace loopcast
