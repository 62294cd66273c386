// A loop video served over HTTP that can be made to stall: the watchdog's test input.
#pragma once
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "tests/support/loopback_http.hpp"

namespace loopcast::test {

// Serves one file over HTTP (with ranges, as libavformat seeks); once armed, the next read of
// it stalls for 20 s (a network share or CDN that stops answering) while the connection stays up.
class StallingFileServer {
 public:
  explicit StallingFileServer(std::string body) : body_(std::move(body)) {
    http_.routes().Get("/loop.mp4", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(body_.size(), "video/mp4", [this](size_t offset, size_t length, httplib::DataSink& sink) {
        if (armed_.exchange(false)) {
          ++stalls_;
          http_.stall(20);
        }
        sink.write(body_.data() + offset, std::min<size_t>(length, 16384));
        return true;
      });
    });
    http_.start();
  }
  std::string url() const { return http_.url("/loop.mp4"); }
  void arm() { armed_ = true; }
  int stalls() const { return stalls_; }

 private:
  std::string body_;
  std::atomic<bool> armed_{false};
  std::atomic<int> stalls_{0};
  LoopbackHttp http_;  // last: stopped first, while the handlers' state still exists
};

}  // namespace loopcast::test
