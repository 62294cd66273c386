// The API under clients that hold connections and never finish, and dashboards that never read:
// the status page and the webhook stay answered within a second. Bounded in count and time,
// loopback only.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "api/http_server.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/raw_http.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
struct Api {
  Api() {
    ControlConfig cfg;
    cfg.http_port = 0;
    server = std::make_unique<HttpServer>(ctl, cfg);
    REQUIRE(server->start());
  }
  FakeController ctl;
  std::unique_ptr<HttpServer> server;
};

std::string webhook_request() {
  const std::string body = read_text(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/azuracast_song_a.json");
  return fmt::format("POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}", body.size(), body);
}

const std::string kStatus = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n";

double metric(int port, const std::string& name, const std::string& from) {
  const RawReply r = raw_request(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 3, from);
  const auto at = r.body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(r.body.substr(at + name.size() + 2));
}

struct Sockets {
  std::vector<int> fds;
  ~Sockets() {
    for (int fd : fds) ::close(fd);
  }
};
}  // namespace

TEST_CASE("500 idle and half-open connections from one address: status and webhook still answered in under 1 s") {
  Api a;
  const int port = a.server->port();
  Sockets held;
  for (int i = 0; i < 500; ++i) {
    const int fd = connect_from("127.0.0.1", port);
    REQUIRE(fd >= 0);
    if (i % 2) {
      const std::string half = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ";  // never finished
      ::send(fd, half.data(), half.size(), MSG_NOSIGNAL);
    }
    held.fds.push_back(fd);
  }
  // The whole hold outlasts the server's 5 s header timeout, so both phases are covered: while
  // the first connections still occupy workers, and after they were cut.
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    const RawReply status = raw_request(port, kStatus, 3, "127.0.0.2");
    CHECK(status.status == 200);
    CHECK(status.seconds < 1.0);
    const RawReply hook = raw_request(port, webhook_request(), 3, "127.0.0.2");
    CHECK(hook.status == 202);
    CHECK(hook.seconds < 1.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
  }
  CHECK(metric(port, "loopcast_http_refused_connections_total", "127.0.0.2") >= 100);
  // The flooding address itself is told why (503), not left hanging.
  const RawReply own = raw_request(port, kStatus, 3, "127.0.0.1");
  CHECK((own.status == 503 || own.status == 200));
}

TEST_CASE("50 event listeners, one never reads: the others and the API stay on time, the silent one is dropped") {
  Api a;
  a.ctl.snapshot.track.title = std::string(8000, 't');  // big events fill a silent client's buffers fast
  const int port = a.server->port();
  const std::string subscribe = "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
  Sockets readers, silent;
  // At most 8 listeners per address (the front door's cap): 49 dashboards from 7 addresses.
  for (int i = 0; i < 49; ++i) readers.fds.push_back(connect_from(fmt::format("127.0.7.{}", 1 + i / 8), port));
  silent.fds.push_back(connect_from("127.0.8.1", port, 2048));  // small window, and it never reads
  for (int fd : readers.fds) REQUIRE(::send(fd, subscribe.data(), subscribe.size(), MSG_NOSIGNAL) > 0);
  REQUIRE(::send(silent.fds[0], subscribe.data(), subscribe.size(), MSG_NOSIGNAL) > 0);

  std::vector<int> events(readers.fds.size(), 0);
  std::vector<std::string> tail(readers.fds.size());
  std::atomic<bool> done{false};
  std::thread reader([&] {  // one thread reads all 49 as fast as events come
    std::vector<pollfd> p;
    for (int fd : readers.fds) p.push_back(pollfd{fd, POLLIN, 0});
    char buf[65536];
    while (!done) {
      if (::poll(p.data(), p.size(), 100) <= 0) continue;
      for (size_t i = 0; i < p.size(); ++i) {
        if (!(p[i].revents & POLLIN)) continue;
        const ssize_t n = ::recv(p[i].fd, buf, sizeof buf, 0);
        if (n <= 0) continue;
        tail[i].append(buf, static_cast<size_t>(n));
        for (size_t at; (at = tail[i].find("event: status\n")) != std::string::npos;) {
          ++events[i];
          tail[i].erase(0, at + 14);
        }
      }
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  bool dropped = false;
  int slow_answers = 0;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30) && !dropped) {
    const RawReply st = raw_request(port, kStatus, 3, "127.0.0.3");
    if (st.status != 200 || st.seconds >= 1.0) ++slow_answers;
    dropped = metric(port, "loopcast_event_clients_dropped_total", "127.0.0.3") >= 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  done = true;
  reader.join();
  CHECK(dropped);
  CHECK(slow_answers == 0);
  CHECK(metric(port, "loopcast_event_clients", "127.0.0.3") == 49);  // the 49 readers stay connected
  // One event a second each: every reader kept up while the silent one was being dropped.
  for (size_t i = 0; i < events.size(); ++i) {
    CAPTURE(i);
    CHECK(events[i] >= static_cast<int>(elapsed * 0.7));
  }
}
