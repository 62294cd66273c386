// Test-side reading of JPEGs (snapshot, thumbnails) with libavcodec: the picture as RGB and the
// mean colour of a region, to check what a preview shows.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace loopcast::test {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // packed RGB24, row-major
  // Mean R, G, B over the rectangle [x0, x1) x [y0, y1) given as fractions of the size (0..1).
  std::array<double, 3> mean(double x0 = 0, double y0 = 0, double x1 = 1, double y1 = 1) const;
};

Result<RgbImage> decode_jpeg(const std::string& bytes);

}  // namespace loopcast::test
