// GET /api/v1/events (and a channel's /api/v1/streams/{id}/events): Server-Sent Events, the status
// document once a second ("status") and the recent-events ring's new entries ("log": a JSON array;
// the whole ring first). A listener holds no thread: once its route has admitted it, its
// connection belongs to the front door (api/http/front_door.hpp), and one ticker thread here
// pushes every listener's events to it. Listeners are capped in all and per client address (503
// beyond); one that stops reading is dropped by the front door when its backlog passes the cap.
#pragma once
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/thread_annotations.hpp"
#include "control/status/event_log.hpp"

namespace loopcast {

class EventStream {
 public:
  using StatusJson = std::function<std::string()>;  // empty text: the source is gone, the stream ends
  using RecentEvents = std::function<std::vector<EngineEvent>(uint64_t after_seq)>;
  using Push = std::function<void(uint64_t conn, std::string bytes, bool last)>;  // FrontDoor::push

  EventStream(StatusJson status_json, RecentEvents recent, size_t max_listeners = 64, size_t per_address = 8);
  ~EventStream() { stop(); }
  void start(Push push) EXCLUDES(mu_);  // the ticker
  void stop() EXCLUDES(mu_);
  void handle(const httplib::Request& req, httplib::Response& res) { handle(req, res, status_json_, recent_); }
  // Another source (a channel's own status and events, a loop's prepare progress), under the same
  // caps; `event` names its documents ("status" unless told).
  void handle(const httplib::Request& req, httplib::Response& res, StatusJson status, RecentEvents recent,
              std::string event = "status") EXCLUDES(mu_);
  size_t clients() const EXCLUDES(mu_);
  uint64_t dropped() const { return dropped_; }
  uint64_t refused() const { return refused_; }

 private:
  struct Listener {
    uint64_t conn;
    std::string addr;
    StatusJson status;
    RecentEvents recent;
    std::string event;
    uint64_t log_seq = 0;  // the ticker's alone
  };
  void tick() EXCLUDES(mu_);
  void send(Listener& l);
  void release(const std::shared_ptr<Listener>& l, bool dropped) EXCLUDES(mu_);

  const StatusJson status_json_;
  const RecentEvents recent_;
  const size_t max_listeners_, per_address_cap_;
  Push push_;  // set once by start(), before any listener exists
  mutable Mutex mu_;
  std::condition_variable cv_;
  size_t admitted_ GUARDED_BY(mu_) = 0;  // listeners whose route said yes (some not yet adopted)
  std::map<std::string, size_t> per_address_ GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Listener>> listeners_ GUARDED_BY(mu_);  // adopted: pushed to each tick
  std::vector<std::shared_ptr<Listener>> fresh_ GUARDED_BY(mu_);      // adopted since the last tick: sent at once
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread ticker_;
  std::atomic<uint64_t> dropped_{0}, refused_{0};
};

}  // namespace loopcast
