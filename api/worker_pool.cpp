#include "api/worker_pool.hpp"

#include <malloc.h>

#include <chrono>
#include <thread>

namespace loopcast {

WorkerPool::WorkerPool(size_t max_threads, size_t max_queued, size_t keep_threads)
    : max_threads_(max_threads), max_queued_(max_queued), keep_threads_(keep_threads) {}

bool WorkerPool::enqueue(std::function<void()> fn) {
  MutexLock lk(mu_);
  if (shutdown_ || jobs_.size() >= max_queued_) return false;
  jobs_.push_back(std::move(fn));
  if (jobs_.size() > idle_ && threads_ < max_threads_) {
    ++threads_;
    std::thread([this] { worker(); }).detach();  // shutdown() waits for it by count
  }
  work_cv_.notify_one();
  return true;
}

void WorkerPool::worker() {
  MutexLock lk(mu_);
  for (;;) {
    ++idle_;
    // Threads beyond the kept ones leave after 10 s without work: the thread count falls back
    // after a burst.
    const bool woke = work_cv_.wait_for(lk.native(), std::chrono::seconds(10), [&] {
      mu_.assert_held();
      return !jobs_.empty() || shutdown_;
    });
    --idle_;
    if (!woke && busy_since_trim_) {
      // glibc keeps what a burst freed (per-thread arenas, the main heap's top) mapped and
      // resident: after 10,000 webhooks RSS stayed ~10 MB up. Hand it back once the pool has
      // been quiet for 10 s.
      busy_since_trim_ = false;
      lk.unlock();
      malloc_trim(0);
      lk.lock();
    }
    if (jobs_.empty() && (shutdown_ || (!woke && threads_ > keep_threads_))) break;
    if (jobs_.empty()) continue;
    auto fn = std::move(jobs_.front());
    jobs_.pop_front();
    busy_since_trim_ = true;
    lk.unlock();
    fn();
    lk.lock();
  }
  --threads_;
  exit_cv_.notify_all();
}

void WorkerPool::shutdown() {
  MutexLock lk(mu_);
  shutdown_ = true;
  work_cv_.notify_all();
  exit_cv_.wait(lk.native(), [&] {
    mu_.assert_held();
    return threads_ == 0;
  });
}

}  // namespace loopcast
