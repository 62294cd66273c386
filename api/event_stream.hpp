// GET /api/v1/events: Server-Sent Events, the status document once a second ("status") and the
// recent-events ring's new entries ("log": a JSON array; the whole ring first). Every client holds
// one worker thread; what waits unsent for a client is bounded (kMaxBacklog), and a client that
// stops reading is dropped when it is reached, so neither memory nor the other clients depend on
// the slowest dashboard.
#pragma once
#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "control/event_log.hpp"

namespace loopcast {

class EventStream {
 public:
  static constexpr size_t kMaxClients = 64;
  static constexpr int kMaxBacklog = 16 * 1024;  // bytes queued for one client before it is dropped

  using StatusJson = std::function<std::string()>;  // empty text: the source is gone, the stream ends
  using RecentEvents = std::function<std::vector<EngineEvent>(uint64_t after_seq)>;
  EventStream(StatusJson status_json, const std::atomic<bool>& stopping, RecentEvents recent = {})
      : status_json_(std::move(status_json)), recent_(std::move(recent)), stopping_(stopping) {}
  void handle(const httplib::Request& req, httplib::Response& res) { handle(req, res, status_json_, recent_); }
  // Another source (a channel's own status and events), under the same client cap and backlog.
  void handle(const httplib::Request& req, httplib::Response& res, StatusJson status, RecentEvents recent);
  size_t clients() const { return clients_; }
  uint64_t dropped() const { return dropped_; }

 private:
  bool send_event(httplib::DataSink& sink, const StatusJson& status, const RecentEvents& recent, uint64_t& log_seq);

  StatusJson status_json_;
  RecentEvents recent_;
  const std::atomic<bool>& stopping_;
  std::atomic<size_t> clients_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace loopcast
