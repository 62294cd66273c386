#include "tests/support/crowd.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/raw_http.hpp"

namespace loopcast::test {

std::vector<std::string> loopback_addresses(int block, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(fmt::format("127.{}.{}.{}", block, (i + 1) / 250, (i + 1) % 250 + 1));
  return out;
}

void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

size_t open_fds(int pid) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

Crowd::Crowd(int port, CrowdSpec spec) : port_(port), spec_(std::move(spec)) {
  thread_ = std::thread([this] { run(); });
}

void Crowd::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Crowd::run() {
  struct Slot {
    int fd = -1;
    std::string addr;
  };
  std::vector<Slot> slots;
  for (const auto& a : spec_.addresses)
    for (size_t i = 0; i < spec_.per_address; ++i) slots.push_back(Slot{-1, a});
  auto open_slot = [&](Slot& s) {
    s.fd = connect_from(s.addr, port_);
    if (s.fd < 0) return;
    ++open_;
    if (!spec_.opening.empty()) (void)::send(s.fd, spec_.opening.data(), spec_.opening.size(), MSG_NOSIGNAL);
  };
  auto close_slot = [&](Slot& s) {
    ::close(s.fd);
    s.fd = -1;
    --open_;
  };
  for (auto& s : slots) {
    if (stop_) break;
    open_slot(s);
  }
  auto next_drip = std::chrono::steady_clock::now() + spec_.drip_every;
  std::vector<pollfd> p;
  char buf[65536];
  while (!stop_) {
    p.clear();
    for (auto& s : slots) p.push_back(pollfd{s.fd, POLLIN, 0});  // fd -1 is ignored by poll
    ::poll(p.data(), p.size(), 100);
    for (size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].fd < 0) {
        open_slot(slots[i]);  // at most once per pass: a refused address is not hammered in a loop
        continue;
      }
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::recv(slots[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) {
        close_slot(slots[i]);
        ++reopened_;
      }
    }
    if (!spec_.drip.empty() && std::chrono::steady_clock::now() >= next_drip) {
      for (auto& s : slots)
        if (s.fd >= 0) (void)::send(s.fd, spec_.drip.data(), spec_.drip.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      next_drip += spec_.drip_every;
    }
  }
  for (auto& s : slots)
    if (s.fd >= 0) close_slot(s);
}

}  // namespace loopcast::test
