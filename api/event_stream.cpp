#include "api/event_stream.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <chrono>
#include <thread>

#include "api/guarded_server.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
// Bytes in the kernel's send queue for this connection that the client has not taken yet.
int unsent_bytes(int sock) {
  int n = 0;
  return sock >= 0 && ::ioctl(sock, SIOCOUTQ, &n) == 0 ? n : 0;
}
}  // namespace

void EventStream::handle(const httplib::Request&, httplib::Response& res, StatusJson status, RecentEvents recent) {
  if (clients_.fetch_add(1) >= kMaxClients) {
    --clients_;
    res.status = 503;
    res.set_content("{\"error\":\"too many event listeners\"}", "application/json");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, status = std::move(status), recent = std::move(recent), log_seq = uint64_t{0}](size_t, httplib::DataSink& sink) mutable {
        if (!send_event(sink, status, recent, log_seq)) return false;
        for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return !stopping_.load();
      },
      [this](bool) { --clients_; });
}

bool EventStream::send_event(httplib::DataSink& sink, const StatusJson& status, const RecentEvents& recent, uint64_t& log_seq) {
  const int sock = GuardedServer::current_socket();
  if (const int queued = unsent_bytes(sock); queued > kMaxBacklog) {
    ++dropped_;
    log::warn("http", "dropping an event listener that does not read ({} bytes waiting)", queued);
    return false;
  }
  const std::string doc = status();
  if (doc.empty()) return false;  // a channel deleted meanwhile
  std::string ev = "event: status\ndata: " + doc + "\n\n";
  if (recent) {
    if (const auto fresh = recent(log_seq); !fresh.empty()) {
      log_seq = fresh.back().seq;
      ev += "event: log\ndata: " + events_to_json(fresh) + "\n\n";
    }
  }
  return sink.write(ev.data(), ev.size());
}

}  // namespace loopcast
