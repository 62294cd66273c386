#include "api/backup_relay.hpp"

#include "base/log.hpp"

namespace loopcast {

BackupRelay::BackupRelay(Cluster cluster, std::function<bool(const std::string&)> backed_up, size_t capacity, PeerTimeouts timeouts)
    : cluster_(std::move(cluster)),
      backed_up_(std::move(backed_up)),
      capacity_(capacity == 0 ? 1 : capacity),
      timeouts_(timeouts),
      thread_([this] { run(); }) {}

BackupRelay::~BackupRelay() { stop(); }

void BackupRelay::pass_on(const httplib::Request& req, const std::string& id, const std::string& path) {
  if (req.has_header(kBackupHeader) || !cluster_.forwards()) return;  // a relay is never relayed again
  const int replica = cluster_.shard.backup(id);
  if (replica < 0 || replica == cluster_.shard.index || !backed_up_ || !backed_up_(id)) return;
  // Forwarded too: the receiver answers it itself, whatever it thinks of the stream's owner.
  Job job{id, replica,
          PeerRequest{req.method,
                      path,
                      {{kBackupHeader, "1"}, {kForwardedHeader, std::to_string(cluster_.shard.index)}},
                      req.body,
                      req.get_header_value("Content-Type")}};
  if (req.has_header("Authorization")) job.req.headers.emplace_back("Authorization", req.get_header_value("Authorization"));
  {
    MutexLock lk(mu_);
    if (stopping_) return;
    if (jobs_.size() >= capacity_) {
      // The newest wins: the backup must end on the picture the owner ends on.
      log::warn("cluster", "backup relay: queue full ({}), dropping {} {} for stream '{}'", capacity_, jobs_.front().req.method,
                jobs_.front().req.path, jobs_.front().id);
      jobs_.pop_front();
      ++stats_.dropped;
    }
    jobs_.push_back(std::move(job));
    ++stats_.queued;
  }
  cv_.notify_one();
}

void BackupRelay::stop() {
  {
    MutexLock lk(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    stats_.dropped += jobs_.size();
    jobs_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

BackupRelay::Stats BackupRelay::stats() const {
  MutexLock lk(mu_);
  return stats_;
}

void BackupRelay::run() {
  for (;;) {
    Job job;
    {
      MutexLock lk(mu_);
      cv_.wait(lk.native(), [this] {
        mu_.assert_held();
        return stopping_ || !jobs_.empty();
      });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    deliver(job);
  }
}

void BackupRelay::deliver(const Job& job) {
  const std::string url = cluster_.peer(job.replica);
  auto reply = call_peer(url, job.req, timeouts_);
  const bool ok = reply && reply->status >= 200 && reply->status < 300;
  if (!ok)
    log::warn("cluster", "backup relay: {} {} to replica {} ({}) for stream '{}': {}", job.req.method, job.req.path, job.replica, url,
              job.id, reply ? "HTTP " + std::to_string(reply->status) : reply.error());
  MutexLock lk(mu_);
  ++(ok ? stats_.sent : stats_.failed);
}

}  // namespace loopcast
