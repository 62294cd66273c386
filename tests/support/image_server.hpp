// Test-side pictures served over real HTTP on loopback: solid-colour PNG/JPEG files made with
// libavcodec, plus the failure modes a cover-art URL can have (404, not an image, a server that
// never answers, a redirect to a local file).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "tests/support/loopback_http.hpp"

namespace loopcast::test {

struct Rgba {
  uint8_t r, g, b, a;
};

// A w x h image: the left half `left`, the right half `right`. codec: "png" (rgba) or "mjpeg".
std::string encode_image(const std::string& codec, int w, int h, Rgba left, Rgba right);

class ImageServer {
 public:
  ImageServer();  // serves /red.png (64x32 opaque), /half.png (left half transparent),
                  // /blue.jpg (48x96), /white.png (64x64), /missing (404), /text (HTML), /slow (10 s), /to-file
  std::string url(const std::string& path) const { return http_.url(path); }
  int hits() const { return hits_; }

 private:
  std::atomic<int> hits_{0};
  LoopbackHttp http_;  // last: stopped first, while the handlers' state still exists
};

}  // namespace loopcast::test
