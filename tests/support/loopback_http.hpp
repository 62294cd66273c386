// An httplib server on 127.0.0.1 for tests: add routes, start(), and it is stopped at scope exit.
// Handlers that stall use stall(): httplib's is_running() stays true until its workers are done,
// so only our own flag can cut a stall short when the test ends.
#pragma once
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace loopcast::test {

class LoopbackHttp {
 public:
  LoopbackHttp() = default;
  LoopbackHttp(const LoopbackHttp&) = delete;
  LoopbackHttp& operator=(const LoopbackHttp&) = delete;
  ~LoopbackHttp() {
    closing_ = true;
    srv_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server& routes() { return srv_; }
  // Binds a free port and returns once the server accepts (httplib 0.11 has no wait_until_ready).
  void start() {
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // Sleeps up to `seconds`, returning early once the server is being stopped.
  void stall(double seconds) const {
    for (int i = 0; i < static_cast<int>(seconds * 10) && !closing_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

 private:
  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> closing_{false};
};

}  // namespace loopcast::test
