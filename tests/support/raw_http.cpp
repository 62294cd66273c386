#include "tests/support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace loopcast::test {

int connect_from(const std::string& from, int port, int rcvbuf) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);  // before connect: sets the window
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, from.c_str(), &src.sin_addr);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

RawReply raw_request(int port, const std::string& request, double timeout_s, const std::string& from) {
  RawReply r;
  const auto t0 = std::chrono::steady_clock::now();
  const auto until = t0 + std::chrono::duration<double>(timeout_s);
  int fd = connect_from(from, port);
  if (fd < 0) return r;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return r;
  }
  std::string in;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    const int ms = static_cast<int>(std::chrono::duration<double, std::milli>(until - std::chrono::steady_clock::now()).count());
    if (::poll(&p, 1, std::max(1, ms)) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    const size_t head_end = in.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    size_t len = 0;
    if (auto cl = in.find("Content-Length: "); cl != std::string::npos && cl < head_end) len = std::strtoul(in.c_str() + cl + 16, nullptr, 10);
    if (in.size() >= head_end + 4 + len) {
      r.status = std::atoi(in.c_str() + 9);  // "HTTP/1.1 200 ..."
      r.body = in.substr(head_end + 4, len);
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      break;
    }
  }
  ::close(fd);
  return r;
}

}  // namespace loopcast::test
