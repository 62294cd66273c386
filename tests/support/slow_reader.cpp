#include "tests/support/slow_reader.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <vector>

namespace loopcast::test {

SlowReader::SlowReader(std::string path, size_t bytes_per_s) : path_(std::move(path)), rate_(bytes_per_s) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int small = 4096;  // inherited by the accepted socket: the window stays small
  setsockopt(listen_fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(listen_fd_, 1);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { serve(); });
}

SlowReader::~SlowReader() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

// One poll-bounded read into the file; false at EOF, error or stop.
bool SlowReader::read_some(int conn, char* buf, size_t cap) {
  pollfd p{conn, POLLIN, 0};
  if (poll(&p, 1, 50) <= 0) return !stop_;
  const ssize_t n = read(conn, buf, cap);
  if (n <= 0) return false;
  if (FILE* f = std::fopen(path_.c_str(), "ab")) {
    std::fwrite(buf, 1, static_cast<size_t>(n), f);
    std::fclose(f);
  }
  bytes_ += static_cast<size_t>(n);
  return true;
}

void SlowReader::serve() {
  pollfd p{listen_fd_, POLLIN, 0};
  while (!stop_ && poll(&p, 1, 50) <= 0) {}
  if (stop_) return;
  const int conn = accept(listen_fd_, nullptr, nullptr);
  if (conn < 0) return;
  std::vector<char> buf(64 * 1024);
  const auto t0 = std::chrono::steady_clock::now();
  while (!stop_) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double allowed = elapsed * static_cast<double>(rate_) - static_cast<double>(bytes_);
    if (!fast_ && allowed < 1024) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    const size_t cap = fast_ ? buf.size() : std::min(buf.size(), static_cast<size_t>(allowed));
    if (!read_some(conn, buf.data(), cap)) break;
  }
  finished_ = !stop_;
  close(conn);
}

}  // namespace loopcast::test
