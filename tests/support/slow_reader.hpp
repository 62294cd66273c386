// A congested ingest: a loopback TCP peer that accepts one connection and reads at most
// `bytes_per_s` (small receive buffer, so the kernel hides little), keeping what it read in a file.
#pragma once
#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

namespace loopcast::test {

class SlowReader {
 public:
  SlowReader(std::string path, size_t bytes_per_s);
  ~SlowReader();
  void fast() { fast_ = true; }  // read at full speed from now on (drain before checking the file)
  bool finished() const { return finished_; }  // the writer closed the connection and all is read
  size_t bytes() const { return bytes_; }
  int port() const { return port_; }

 private:
  void serve();
  bool read_some(int conn, char* buf, size_t cap);

  const std::string path_;
  const size_t rate_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> fast_{false}, stop_{false}, finished_{false};
  std::atomic<size_t> bytes_{0};
  std::thread thread_;
};

}  // namespace loopcast::test
