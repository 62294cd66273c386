// The HTTP server's worker threads: one per connection being served, started on demand up to a
// cap, with a bounded queue behind them. (httplib's own ThreadPool 0.53.1 starts an extra thread
// only when no worker is idle at the moment of enqueueing; a burst of long-lived connections,
// e.g. 50 dashboards opening /api/v1/events at once, is then queued behind 8 busy workers and
// the status page starves. Here a thread is started whenever queued jobs outnumber idle workers.)
#pragma once
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>

#include "base/thread_annotations.hpp"

namespace loopcast {

class WorkerPool final : public httplib::TaskQueue {
 public:
  WorkerPool(size_t max_threads, size_t max_queued, size_t keep_threads = 8);
  ~WorkerPool() override { shutdown(); }
  bool enqueue(std::function<void()> fn) override;  // false: queue full, httplib closes the socket
  void shutdown() override;                          // runs what is queued, waits for every worker

 private:
  void worker() EXCLUDES(mu_);

  const size_t max_threads_, max_queued_, keep_threads_;
  Mutex mu_;
  std::condition_variable work_cv_, exit_cv_;
  std::deque<std::function<void()>> jobs_ GUARDED_BY(mu_);
  size_t threads_ GUARDED_BY(mu_) = 0;
  size_t idle_ GUARDED_BY(mu_) = 0;
  bool shutdown_ GUARDED_BY(mu_) = false;
  bool busy_since_trim_ GUARDED_BY(mu_) = false;  // work ran since the last malloc_trim
};

}  // namespace loopcast
