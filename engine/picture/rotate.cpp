#include "engine/picture/rotate.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace loopcast {
namespace {
// Tiles small enough that a tile's source rows and destination rows stay in L1 together: a plain
// row-by-row quarter turn writes one byte per destination row and misses the cache on every byte.
constexpr int kTile = 32;
}  // namespace

void rotate_plane(const uint8_t* src, int src_stride, int width, int height, uint8_t* dst, int dst_stride, int rotation) {
  auto row = [&](int y) { return src + static_cast<ptrdiff_t>(y) * src_stride; };
  auto in = [&](int x, int y) { return row(y)[x]; };
  auto out = [&](int x, int y) -> uint8_t& { return dst[static_cast<ptrdiff_t>(y) * dst_stride + x]; };
  if (rotation == 0) {
    for (int y = 0; y < height; ++y) std::memcpy(&out(0, y), row(y), static_cast<size_t>(width));
    return;
  }
  if (rotation == 180) {
    for (int y = 0; y < height; ++y) {
      std::reverse_copy(row(y), row(y) + width, &out(0, height - 1 - y));
    }
    return;
  }
  // 90: source column x becomes destination row x, its top at the right (left edge to the top).
  // 270: source column x becomes destination row width-1-x, its top at the left.
  for (int ty = 0; ty < height; ty += kTile)
    for (int tx = 0; tx < width; tx += kTile) {
      const int ey = std::min(ty + kTile, height), ex = std::min(tx + kTile, width);
      for (int y = ty; y < ey; ++y)
        for (int x = tx; x < ex; ++x) {
          if (rotation == 90) out(height - 1 - y, x) = in(x, y);
          else out(y, width - 1 - x) = in(x, y);
        }
    }
}

}  // namespace loopcast
