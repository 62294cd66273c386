// Many hostile HTTP clients from many loopback addresses, for tests of the API's front door:
// each connection sends `opening` once and then `drip` every `drip_every` (slowloris), or nothing
// (half-open, idle), and reads and discards whatever comes (an SSE listener that keeps up). A
// connection the server closes is opened again, as an attacker would. Loopback only.
#pragma once
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace loopcast::test {

struct CrowdSpec {
  std::vector<std::string> addresses;  // source addresses (127.x.y.z), each holding per_address connections
  size_t per_address = 1;
  std::string opening;  // sent on connect
  std::string drip;     // sent every drip_every (empty: nothing)
  std::chrono::milliseconds drip_every{3000};
};

class Crowd {
 public:
  Crowd(int port, CrowdSpec spec);
  ~Crowd() { stop(); }
  void stop();  // closes every connection
  size_t open() const { return open_; }
  size_t reopened() const { return reopened_; }  // connections the server closed (and that were opened again)

 private:
  void run();
  const int port_;
  const CrowdSpec spec_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> open_{0}, reopened_{0};
  std::thread thread_;
};

// `n` loopback addresses 127.B.x.y starting at 127.B.0.1 (B: a block per test, so tests do not meet).
std::vector<std::string> loopback_addresses(int block, size_t n);
// Raises this process's soft file limit to the hard one (a crowd of 5,000 needs it).
void raise_fd_limit();
size_t open_fds(int pid);

}  // namespace loopcast::test
