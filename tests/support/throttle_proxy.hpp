// A TCP proxy on loopback that forwards client → backend at a fixed byte rate (and backend →
// client freely), with small socket buffers on both legs: a slow ingest, as a congested uplink
// makes YouTube's look. One connection at a time; stopped and joined at scope exit.
#pragma once
#include <atomic>
#include <thread>

namespace loopcast::test {

class ThrottleProxy {
 public:
  ThrottleProxy(int backend_port, double bytes_per_second);
  ~ThrottleProxy();
  ThrottleProxy(const ThrottleProxy&) = delete;
  ThrottleProxy& operator=(const ThrottleProxy&) = delete;
  int port() const { return port_; }
  void set_rate(double bytes_per_second) { rate_ = bytes_per_second; }

 private:
  void run();
  int listen_fd_ = -1;
  int port_ = 0;
  int backend_port_ = 0;
  std::atomic<double> rate_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace loopcast::test
