// Clang's thread-safety analysis (-Wthread-safety): members say which mutex guards them and clang
// checks every access at compile time. The macros are no-ops for GCC. libstdc++'s std::mutex
// carries no annotations, so guarded state uses loopcast::Mutex and MutexLock below.
#pragma once
#include <mutex>

#if defined(__clang__)
#define LOOPCAST_TSA(x) __attribute__((x))
#else
#define LOOPCAST_TSA(x)
#endif

#define CAPABILITY(x) LOOPCAST_TSA(capability(x))
#define SCOPED_CAPABILITY LOOPCAST_TSA(scoped_lockable)
#define GUARDED_BY(x) LOOPCAST_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) LOOPCAST_TSA(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) LOOPCAST_TSA(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) LOOPCAST_TSA(acquired_after(__VA_ARGS__))
#define REQUIRES(...) LOOPCAST_TSA(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) LOOPCAST_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) LOOPCAST_TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) LOOPCAST_TSA(try_acquire_capability(__VA_ARGS__))
#define EXCLUDES(...) LOOPCAST_TSA(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) LOOPCAST_TSA(assert_capability(x))
#define RETURN_CAPABILITY(x) LOOPCAST_TSA(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS LOOPCAST_TSA(no_thread_safety_analysis)

namespace loopcast {

// std::mutex with annotations. native() is for condition variables (through MutexLock).
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { m_.lock(); }
  void unlock() RELEASE() { m_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return m_.try_lock(); }
  // Tells the analysis the caller holds the lock where it cannot see it: inside a condition
  // variable's predicate, which runs with the lock held.
  void assert_held() const ASSERT_CAPABILITY(this) {}
  std::mutex& native() { return m_; }

 private:
  std::mutex m_;
};

// Scoped lock (lock_guard/unique_lock in one). native() hands the std::unique_lock to a
// std::condition_variable; the wait gives the lock back before it returns.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lk_(mu.native()) {}
  // Takes over a lock the caller already holds (after Mutex::try_lock succeeded).
  MutexLock(Mutex& mu, std::adopt_lock_t) REQUIRES(mu) : lk_(mu.native(), std::adopt_lock) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  void unlock() RELEASE() { lk_.unlock(); }
  void lock() ACQUIRE() { lk_.lock(); }
  std::unique_lock<std::mutex>& native() { return lk_; }

 private:
  std::unique_lock<std::mutex> lk_;
};

}  // namespace loopcast
