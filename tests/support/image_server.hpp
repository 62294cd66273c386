// Test-side pictures served over real HTTP on loopback: solid-colour PNG/JPEG files made with
// libavcodec, plus the failure modes a cover-art URL can have (404, not an image, a server that
// never answers, a redirect to a local file).
#pragma once
#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

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
  ~ImageServer();
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int hits() const { return hits_; }

 private:
  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> hits_{0};
  std::atomic<bool> closing_{false};
};

}  // namespace loopcast::test
