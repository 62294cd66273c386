#include "api/event_stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "api/http/route_runner.hpp"
#include "api/http_reply.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
// Chunked like before the front door, so clients see the same stream; the head is written by the
// front door in place of httplib's response.
constexpr const char* kHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";

std::string chunk(const std::string& data) { return fmt::format("{:x}\r\n{}\r\n", data.size(), data); }
}  // namespace

EventStream::EventStream(StatusJson status_json, RecentEvents recent, size_t max_listeners, size_t per_address)
    : status_json_(std::move(status_json)), recent_(std::move(recent)), max_listeners_(max_listeners), per_address_cap_(per_address) {}

void EventStream::start(Push push) {
  push_ = std::move(push);
  ticker_ = std::thread([this] { tick(); });
}

void EventStream::stop() {
  {
    MutexLock lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

size_t EventStream::clients() const {
  MutexLock lk(mu_);
  return listeners_.size();
}

void EventStream::handle(const httplib::Request& req, httplib::Response& res, StatusJson status, RecentEvents recent, std::string event) {
  {
    MutexLock lk(mu_);
    size_t& from_addr = per_address_[req.remote_addr];
    if (admitted_ >= max_listeners_ || from_addr >= per_address_cap_) {
      const bool all = admitted_ >= max_listeners_;
      if (from_addr == 0) per_address_.erase(req.remote_addr);
      ++refused_;
      return reply_error(res, 503, all ? "too many event listeners" : "too many event listeners from this address");
    }
    ++admitted_;
    ++from_addr;
  }
  auto l = std::make_shared<Listener>(Listener{RouteRunner::current_connection(), req.remote_addr, std::move(status), std::move(recent),
                                                        std::move(event)});
  res.status = 200;
  RouteRunner::adopt_connection(
      kHead,
      [this, l] {
        {
          MutexLock lk(mu_);
          listeners_.push_back(l);
          fresh_.push_back(l);
        }
        cv_.notify_all();
      },
      [this, l](bool dropped) { release(l, dropped); });
}

void EventStream::release(const std::shared_ptr<Listener>& l, bool dropped) {
  {
    MutexLock lk(mu_);
    std::erase(listeners_, l);
    std::erase(fresh_, l);
    --admitted_;
    if (auto it = per_address_.find(l->addr); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }
  if (!dropped) return;
  if (dropped_++ % 100 == 0)
    log::warn("http", "dropping an event listener from {} that does not read ({} dropped so far)", l->addr, dropped_.load());
}

void EventStream::tick() {
  auto next = std::chrono::steady_clock::now();
  MutexLock lk(mu_);
  while (!stop_) {
    cv_.wait_until(lk.native(), next, [&] {
      mu_.assert_held();
      return stop_ || !fresh_.empty();
    });
    if (stop_) break;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<Listener>> due;
    if (now >= next) {
      due = listeners_;
      next = now + std::chrono::seconds(1);
    } else {
      due = fresh_;
    }
    fresh_.clear();
    lk.unlock();  // a status document takes the controller's lock: not while admissions wait on ours
    for (const auto& l : due) send(*l);
    lk.lock();
  }
}

void EventStream::send(Listener& l) {
  const std::string doc = l.status();
  if (doc.empty()) {  // a channel deleted meanwhile: the stream ends
    push_(l.conn, "0\r\n\r\n", true);
    return;
  }
  std::string ev = "event: " + l.event + "\ndata: " + doc + "\n\n";
  if (l.recent) {
    if (const auto fresh = l.recent(l.log_seq); !fresh.empty()) {
      l.log_seq = fresh.back().seq;
      ev += "event: log\ndata: " + events_to_json(fresh) + "\n\n";
    }
  }
  push_(l.conn, chunk(ev), false);
}

}  // namespace loopcast
