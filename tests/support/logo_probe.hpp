// For the logo's tests: PNG files made on the spot (any size, with or without alpha), and the mean
// colour or motion of a rectangle.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"
#include "tests/support/picture_probe.hpp"  // decode_pictures

namespace loopcast::test {

// Writes `rgba` (width * height * 4 bytes) as a PNG: RGBA, or RGB (the alpha dropped) when !alpha.
Status write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba, bool alpha = true);
// A width x height picture of one opaque colour with a fully transparent rectangle (a "hole").
struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};
std::vector<uint8_t> solid_with_hole(int width, int height, const uint8_t rgb[3], Rect hole);


struct MeanYuv {
  double y = 0, u = 0, v = 0;
};
// Mean of a rectangle (even x, y, w, h) of a YUV420P picture.
MeanYuv mean_yuv(const AVFrame* f, Rect r);
// Mean absolute luma difference of one rectangle between two pictures of the same size.
double luma_change(const AVFrame* a, const AVFrame* b, Rect r);

}  // namespace loopcast::test
