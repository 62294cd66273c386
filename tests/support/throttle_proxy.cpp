#include "tests/support/throttle_proxy.hpp"

#include "tests/support/proc.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace loopcast::test {
namespace {
void small_buffers(int fd) {
  const int n = 16 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof n);
}
// Writes all of buf (blocking in short polls); false when the peer is gone or the proxy stops.
bool write_all(int fd, const char* buf, size_t n, const std::atomic<bool>& stop) {
  while (n > 0 && !stop) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    buf += w;
    n -= static_cast<size_t>(w);
  }
  return n == 0;
}
}  // namespace

ThrottleProxy::ThrottleProxy(int backend_port, double bytes_per_second) : backend_port_(backend_port), rate_(bytes_per_second) {
  // Small buffers, inherited by the accepted socket: the client's window stays small.
  listen_fd_ = listen_loopback(4, port_, small_buffers);
  thread_ = std::thread([this] { run(); });
}

ThrottleProxy::~ThrottleProxy() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void ThrottleProxy::run() {
  while (!stop_) {
    pollfd lp{listen_fd_, POLLIN, 0};
    if (poll(&lp, 1, 100) <= 0) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    const int backend = socket(AF_INET, SOCK_STREAM, 0);
    small_buffers(backend);
    sockaddr_in b = loopback(backend_port_);
    if (connect(backend, reinterpret_cast<sockaddr*>(&b), sizeof b) != 0) {
      close(client);
      close(backend);
      continue;
    }
    // Token bucket, refilled every 10 ms, at most 50 ms of rate in hand.
    double tokens = 0;
    auto last = std::chrono::steady_clock::now();
    char buf[16384];
    bool open = true;
    while (open && !stop_) {
      const auto now = std::chrono::steady_clock::now();
      const double rate = rate_;
      tokens = std::min(tokens + rate * std::chrono::duration<double>(now - last).count(), rate * 0.05);
      last = now;
      pollfd p[2] = {{client, static_cast<short>(tokens >= 1 ? POLLIN : 0), 0}, {backend, POLLIN, 0}};
      const int ready = poll(p, 2, 10);
      if (ready < 0) break;
      if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        const size_t want = std::min(sizeof buf, static_cast<size_t>(tokens));
        const ssize_t n = recv(client, buf, std::max<size_t>(want, 1), 0);
        if (n <= 0 || !write_all(backend, buf, static_cast<size_t>(n), stop_)) open = false;
        else tokens -= static_cast<double>(n);
      }
      if (open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
        const ssize_t n = recv(backend, buf, sizeof buf, 0);
        if (n <= 0 || !write_all(client, buf, static_cast<size_t>(n), stop_)) open = false;
      }
    }
    close(client);
    close(backend);
  }
}

}  // namespace loopcast::test
