// The recent things an operator wants to see at a glance (starts, stops, switches, reconnects,
// errors), newest last, in a bounded ring: GET /api/v1/events/recent, the SSE "log" events and
// the dashboard's list read it. Thread-safe; texts are redacted on the way in.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "base/thread_annotations.hpp"

namespace loopcast {

// What happened, as the dashboard colours it and the SSE "log" events name it.
enum class EventKind { start, stop, switched, reconnect, error };
const char* to_string(EventKind k);  // start | stop | switch | reconnect | error

struct EngineEvent {
  uint64_t seq = 0;   // 1, 2, ...: a reader asks for what came after the last one it saw
  std::string at;     // ISO-8601 UTC
  EventKind kind = EventKind::error;
  std::string text;
};

class EventLog {
 public:
  static constexpr size_t kDefaultCapacity = 50;
  explicit EventLog(size_t capacity = kDefaultCapacity) : capacity_(capacity ? capacity : 1) {}
  void add(EventKind kind, std::string text) EXCLUDES(mu_);
  // Events with seq > after_seq still in the ring, oldest first.
  std::vector<EngineEvent> recent(uint64_t after_seq = 0) const EXCLUDES(mu_);
  uint64_t last_seq() const EXCLUDES(mu_);

 private:
  const size_t capacity_;
  mutable Mutex mu_;
  std::deque<EngineEvent> ring_ GUARDED_BY(mu_);
  uint64_t last_seq_ GUARDED_BY(mu_) = 0;
};

// [{"seq":1,"at":"...","kind":"switch","text":"..."}, ...]
std::string events_to_json(const std::vector<EngineEvent>& events);

}  // namespace loopcast
