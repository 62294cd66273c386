#include "engine/splice/compose_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace loopcast {

ComposePool& ComposePool::shared() {
  static ComposePool pool(std::max<size_t>(1, std::thread::hardware_concurrency() / 2));
  return pool;
}

ComposePool::ComposePool(size_t threads) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

ComposePool::~ComposePool() {
  {
    MutexLock lk(mu_);
    quit_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool ComposePool::submit(Job job, bool urgent) {
  {
    MutexLock lk(mu_);
    if (quit_ || jobs_.size() >= kMaxQueued) return false;
    if (urgent) jobs_.push_front(std::move(job));
    else jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

size_t ComposePool::queued() const {
  MutexLock lk(mu_);
  return jobs_.size();
}

void ComposePool::work() {
  // Below the live pipelines (and below the loop cache's nice 10): a card takes what they leave.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 15);
  MutexLock lk(mu_);
  while (true) {
    cv_.wait(lk.native(), [this]() NO_THREAD_SAFETY_ANALYSIS { return quit_ || !jobs_.empty(); });
    if (quit_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lk.native().unlock();
    job();
    lk.native().lock();
  }
}

}  // namespace loopcast
