// Passes what the owner of a backed-up stream acted on (a webhook, a track request) to the replica
// that publishes the stream's backup ingest, so both publications show the same picture. One
// thread, a short bounded queue (the oldest dropped and counted when full), short peer timeouts:
// the request that arrived never waits for the backup replica, and a dead one costs the queue only.
// A relayed request carries X-Loopcast-Backup: its receiver applies it to the backup publication
// and never passes it on again. Its credentials are the original request's: the backup replica
// checks them as the owner did (every replica reads the same Secret).
#pragma once
#include <httplib.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "api/peer_client.hpp"
#include "base/thread_annotations.hpp"
#include "control/cluster/cluster.hpp"

namespace loopcast {

// Marks a request relayed to the backup publication's replica (see above).
constexpr const char* kBackupHeader = "X-Loopcast-Backup";

class BackupRelay {
 public:
  // `backed_up(id)`: the stream has "backup": true. Timeouts: 2 s to connect, 3 s to answer (a
  // switch answers at once; the webhook's 202 does not wait for the loop).
  BackupRelay(Cluster cluster, std::function<bool(const std::string&)> backed_up, size_t capacity = 16,
              PeerTimeouts timeouts = {std::chrono::milliseconds(2000), std::chrono::milliseconds(3000)});
  ~BackupRelay();
  BackupRelay(const BackupRelay&) = delete;
  BackupRelay& operator=(const BackupRelay&) = delete;

  // After this replica acted on `req` for its stream `id`: queued as `method path` (with the body,
  // Content-Type and Authorization of `req`) for the stream's backup replica. Nothing when the
  // stream has no backup or `req` is itself a relay. Never blocks on the network.
  void pass_on(const httplib::Request& req, const std::string& id, const std::string& path) EXCLUDES(mu_);
  void stop() EXCLUDES(mu_);  // drops what is queued, waits for the call in flight (at most its timeouts)

  struct Stats {
    uint64_t queued = 0;   // accepted by pass_on
    uint64_t sent = 0;     // answered 2xx
    uint64_t failed = 0;   // no answer, or an answer other than 2xx
    uint64_t dropped = 0;  // pushed out of a full queue, or left at stop
  };
  Stats stats() const EXCLUDES(mu_);

 private:
  struct Job {
    std::string id;
    int replica = -1;
    PeerRequest req;
  };
  void run() EXCLUDES(mu_);
  void deliver(const Job& job) EXCLUDES(mu_);

  const Cluster cluster_;
  const std::function<bool(const std::string&)> backed_up_;
  const size_t capacity_;
  const PeerTimeouts timeouts_;
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  Stats stats_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace loopcast
