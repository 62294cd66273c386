// Pixels of a decoded picture for tests that look at where a picture lands (fit: bars, crops,
// orientation): the n-th video frame of any file libavformat reads (a loop, a cache entry, a
// recording), and the colour at a point, named coarsely enough to survive a lossy encode.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"

namespace loopcast::test {

// The video frames of `path` at these display-order indexes, as YUV420P, decoded in one pass;
// scaled (bilinear) to width x height when given, as a loop is scaled onto the picture.
Result<std::map<int, FramePtr>> decode_pictures(const std::string& path, const std::vector<int>& indexes, int width = 0, int height = 0);
// The `index`-th decoded video frame (0 = the first, in display order) of `path`, as YUV420P.
Result<FramePtr> decode_picture(const std::string& path, int index = 0);

enum class Hue { black, red, blue, lime, other };
const char* to_string(Hue h);
// The colour of a YUV420P picture (BT.709 limited range) at (x, y): black bars (Y 16, U/V 128),
// or the flat red, blue and lime of the fit fixtures (tests/fixtures/make-fixtures.sh).
Hue hue_at(const AVFrame* f, int x, int y);

}  // namespace loopcast::test
