// The API's front door: one epoll thread owns the listening socket and every connection. It
// accepts under the caps (global and per address: 503 at once when full), reads each request into
// memory with a deadline for its headers and a minimum rate for its body, and only then hands it
// to a worker; the worker's response comes back as bytes that this thread writes as the client
// takes them. So a client that sends slowly, reads slowly, idles or listens to events holds a
// file descriptor and some memory, never a thread. TLS (--https-cert) is terminated here too.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http/front_limits.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

class TlsContext;
class WorkerPool;

// A request body the front door wrote to a file (FramingLimits::spool_prefix) as it arrived, so a
// 2 GiB upload costs a file, never memory. Removed when the last holder lets it go, unless its
// route kept it (renamed it into place).
struct SpooledBody {
  std::string path;
  uint64_t bytes = 0;  // written so far; the whole body once the request is dispatched
  bool kept = false;
  SpooledBody() = default;
  SpooledBody(const SpooledBody&) = delete;
  SpooledBody& operator=(const SpooledBody&) = delete;
  ~SpooledBody();
};

// A complete request, for a worker.
struct Inbound {
  uint64_t conn = 0;  // the connection's id (for an event stream to push to)
  std::string bytes;  // request line, headers, body: exactly one request (a spooled one: its head only)
  std::shared_ptr<SpooledBody> spooled;  // set: the body is in this file, `bytes` says Content-Length: 0
  std::string remote_addr, local_addr;
  int remote_port = 0, local_port = 0;
};

// The worker's answer.
struct Outbound {
  std::string bytes;   // the whole response (or an event stream's headers)
  bool close = false;  // the connection ends once it is sent
  // Set: the connection stays open as an event stream after `bytes`; `adopted` runs on the front
  // door's thread once they are queued (events may be pushed from then on), `released` once the
  // connection ends (dropped: for not reading its events). Exactly one of the two runs if set.
  std::function<void()> adopted;
  std::function<void(bool dropped)> released;
};

// Counters for /metrics, read from any thread.
struct FrontStats {
  std::atomic<uint64_t> open{0};
  std::atomic<uint64_t> refused_global{0}, refused_address{0}, refused_busy{0};
  std::atomic<uint64_t> header_timeouts{0}, body_timeouts{0}, write_timeouts{0}, idle_closed{0};
  std::atomic<uint64_t> events_dropped{0};
};

class FrontDoor {
 public:
  using Serve = std::function<Outbound(Inbound&)>;  // runs on a worker thread

  FrontDoor(FrontLimits limits, Serve serve, std::shared_ptr<TlsContext> tls = nullptr);
  ~FrontDoor();
  // Binds host:port (0 = any free port) without SO_REUSEPORT, so a second server on the same port
  // is an error; returns the port.
  Result<int> listen(const std::string& host, int port);
  void start();
  void stop() EXCLUDES(mu_);  // closes every connection, then waits for the workers
  // Appends to an adopted event stream's output (any thread); `last`: close once it is sent.
  void push(uint64_t conn, std::string bytes, bool last = false) EXCLUDES(mu_);
  const FrontStats& stats() const { return stats_; }
  const FrontLimits& limits() const { return limits_; }

 private:
  struct Conn;
  struct Pushed {
    uint64_t conn;
    std::string bytes;
    bool last;
  };
  void run();
  void accept_all();
  void refuse(int fd, std::atomic<uint64_t>& counter, const char* why, const std::string& addr);
  void service(uint64_t id);  // pump, then close it when it is over
  bool pump(Conn& c);         // false: the connection is over
  bool read_some(Conn& c);
  void frame(Conn& c);
  void start_spool(Conn& c, size_t header_bytes, uint64_t body_bytes);
  void spool_some(Conn& c);  // c.in's bytes to the file; the request goes to a worker once whole
  void dispatch(Conn& c, size_t bytes);
  bool flush(Conn& c);
  void queue_reply(Conn& c, Outbound out);
  void take_completions() EXCLUDES(mu_);
  void sweep();
  void close_conn(uint64_t id, bool dropped = false);
  void complete(uint64_t conn, Outbound out) EXCLUDES(mu_);  // from a worker
  void wake();

  const FrontLimits limits_;
  const Serve serve_;
  const std::shared_ptr<TlsContext> tls_;
  std::unique_ptr<WorkerPool> workers_;
  int listen_fd_ = -1, epoll_fd_ = -1, wake_fd_ = -1, spare_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  FrontStats stats_;
  // The front door's thread alone touches the connections and the per-address counts.
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::unordered_map<std::string, size_t> per_address_;
  uint64_t next_id_ = 16;  // below: the listening socket and the wake-up eventfd
  std::chrono::steady_clock::time_point refusal_logged_{};
  uint64_t refusals_unlogged_ = 0;

  Mutex mu_;  // workers and event producers hand results to the front door's thread through it
  std::vector<std::pair<uint64_t, Outbound>> completed_ GUARDED_BY(mu_);
  std::vector<Pushed> pushed_ GUARDED_BY(mu_);
};

}  // namespace loopcast
