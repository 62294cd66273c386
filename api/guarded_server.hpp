// cpp-httplib's server with the limits an API on 0.0.0.0 needs against clients that connect and
// then say nothing (or one byte at a time): a cap on open connections per client address and a
// bounded worker pool + queue. httplib serves each connection on one worker thread, so without
// these, a few hundred idle sockets from one host starve the status page, the webhook and the
// health check.
#pragma once
#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "base/thread_annotations.hpp"

namespace loopcast {

struct ConnectionLimits {
  size_t per_address = 64;  // open connections one client address may hold (SSE dashboards included)
  size_t workers = 256;     // threads at most (api/worker_pool.hpp: 8 kept, the rest on demand)
  // Accepted connections waiting for a worker; beyond: closed at once. A flood's connections over
  // the per-address cap are refused on a worker too (httplib hands over only a socket), so the
  // queue must hold a burst of them while threads start on a loaded machine: at 64, a burst of 500
  // filled it under stress-ng and closed an honest client's request unanswered. Each entry is one fd.
  size_t queue = 1024;
  int header_timeout_s = 5; // idle keep-alive / silent-header socket is closed after this
};

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits);
  uint64_t refused() const { return refused_; }
  // The socket of the connection this worker thread serves (-1 outside a request): lets a
  // streaming handler see how much it has queued for a slow reader.
  static int current_socket();

 private:
  // Overrides httplib's per-connection entry point (a private virtual, overridable by design of
  // C++): admit or refuse by address, then serve exactly as httplib's own version does.
  bool process_and_close_socket(socket_t sock) override;
  bool admit(const std::string& addr) EXCLUDES(mu_);
  void release(const std::string& addr) EXCLUDES(mu_);

  const ConnectionLimits limits_;
  Mutex mu_;
  std::map<std::string, size_t> open_ GUARDED_BY(mu_);  // per client address
  std::atomic<uint64_t> refused_{0};
};

}  // namespace loopcast
