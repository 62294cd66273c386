// The process's one pool for work composed ahead (title cards, cover scenes): shared by every channel, a few
// threads at nice 15 with one x264 thread each, and a bounded queue, so twenty channels changing
// songs at once queue their cards behind each other instead of taking the cores the live streams
// need. A job refused because the queue is full is told so at once (its card is skipped).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "base/thread_annotations.hpp"

namespace loopcast {

class ComposePool {
 public:
  using Job = std::function<void()>;
  static constexpr size_t kMaxQueued = 64;

  // The process's pool: half the cores (at least one) as threads, started on first use.
  static ComposePool& shared();

  explicit ComposePool(size_t threads);
  ~ComposePool();  // drops what is queued, joins the running jobs
  // False when the queue is full: the job is not run. An urgent job (a scene its song's switch
  // waits for) goes before the queued ones (title cards, which never hold a switch).
  bool submit(Job job, bool urgent = false) EXCLUDES(mu_);
  size_t queued() const EXCLUDES(mu_);

 private:
  void work() EXCLUDES(mu_);

  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  bool quit_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace loopcast
