// Interrupt callback for blocking libav I/O: aborts on shutdown or when an operation runs past
// its deadline (a stalled TCP peer), so no network call can hang a thread.
#pragma once
#include <atomic>
#include <chrono>

extern "C" {
#include <libavformat/avio.h>
}

namespace loopcast {

class IoDeadline {
 public:
  explicit IoDeadline(const std::atomic<bool>& stop) : stop_(stop) {}
  // Arm before every blocking call; timeout_s <= 0 disables the deadline.
  void arm(double timeout_s) {
    using namespace std::chrono;
    deadline_ns_ = timeout_s <= 0 ? 0
                                  : (steady_clock::now() + duration_cast<nanoseconds>(duration<double>(timeout_s)))
                                        .time_since_epoch()
                                        .count();
    timed_out_ = false;
  }
  bool timed_out() const { return timed_out_; }
  // A second flag that aborts too, set after the input opened (a loop learns the stop flag of the
  // pipeline it goes on air in); null clears it.
  void also_stop_on(const std::atomic<bool>* flag) { also_.store(flag, std::memory_order_relaxed); }
  AVIOInterruptCB callback() { return AVIOInterruptCB{&IoDeadline::check, this}; }

 private:
  static int check(void* opaque) {
    auto* self = static_cast<IoDeadline*>(opaque);
    if (self->stop_.load(std::memory_order_relaxed)) return 1;
    const std::atomic<bool>* also = self->also_.load(std::memory_order_relaxed);
    if (also && also->load(std::memory_order_relaxed)) return 1;
    const int64_t d = self->deadline_ns_.load(std::memory_order_relaxed);
    if (d && std::chrono::steady_clock::now().time_since_epoch().count() > d) {
      self->timed_out_ = true;
      return 1;
    }
    return 0;
  }
  const std::atomic<bool>& stop_;
  std::atomic<const std::atomic<bool>*> also_{nullptr};
  std::atomic<int64_t> deadline_ns_{0};
  std::atomic<bool> timed_out_{false};
};

}  // namespace loopcast
