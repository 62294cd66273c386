// The API's front door with small limits: deadlines for headers and bodies, idle keep-alive,
// the global, per-address and event-listener caps (503 at once), Expect: 100-continue answered
// once, pipelining, and a client that never reads its responses holding no worker.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "api/http_server.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/raw_http.hpp"

using namespace loopcast;
using namespace loopcast::test;
using namespace std::chrono_literals;

namespace {
FrontLimits small_limits() {
  FrontLimits l;
  l.max_connections = 40;
  l.per_address = 8;
  l.header_timeout = 1000ms;
  l.idle_timeout = 600ms;
  l.write_timeout = 1500ms;
  l.min_body_rate = 1000;
  l.event_listeners_per_address = 2;
  l.workers = 1;  // one thread: anything holding it would starve the probes
  return l;
}

struct Api {
  explicit Api(FrontLimits limits = small_limits()) {
    ControlConfig cfg;
    cfg.http_port = 0;
    server = std::make_unique<HttpServer>(ctl, cfg, limits);
    REQUIRE(server->start());
    port = server->port();
  }
  FakeController ctl;
  std::unique_ptr<HttpServer> server;
  int port = 0;
};

const std::string kStatus = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n";

double metric(int port, const std::string& line) {
  const RawReply r = raw_request(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 3, "127.0.9.9");
  const auto at = r.body.find("\n" + line + " ");
  return at == std::string::npos ? -1 : std::stod(r.body.substr(at + line.size() + 2));
}

// What arrives on fd within timeout_s (until `until` is seen, or the peer closes).
std::string read_for(int fd, double timeout_s, const std::string& until = "", bool* closed = nullptr) {
  std::string in;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end && (until.empty() || in.find(until) == std::string::npos)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      break;
    }
    in.append(buf, static_cast<size_t>(n));
  }
  return in;
}

bool send_all(int fd, const std::string& s) { return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }

struct Fd {
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

TEST_CASE("front door: a client dripping its headers is closed at the header deadline, not kept alive by each byte") {
  Api a;
  Fd slow{connect_from("127.0.1.1", a.port)};
  REQUIRE(slow.fd >= 0);
  REQUIRE(send_all(slow.fd, "GET /api/v1/status HTTP/1.1\r\n"));
  const auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - t0 < 3s) {
    (void)send_all(slow.fd, "X");  // a byte every 200 ms: under the idle timeout every time
    read_for(slow.fd, 0.2, "", &closed);
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(closed);
  CHECK(took < 1.8);
  CHECK(metric(a.port, "loopcast_http_timeouts_total{phase=\"header\"}") == 1);
}

TEST_CASE("front door: a silent connection is closed after the idle timeout — a body slower than the minimum rate is cut") {
  Api a;
  Fd idle{connect_from("127.0.1.2", a.port)};
  bool closed = false;
  read_for(idle.fd, 2, "", &closed);
  CHECK(closed);
  // 3000 bytes at 1000 B/s minimum: the body may take 1 s (header deadline) + 3 s; it never comes.
  Fd slow{connect_from("127.0.1.3", a.port)};
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(send_all(slow.fd, "POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n{"));
  closed = false;
  while (!closed && std::chrono::steady_clock::now() - t0 < 6s) {
    (void)send_all(slow.fd, " ");
    read_for(slow.fd, 0.5, "", &closed);
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(closed);
  CHECK(took > 3.5);
  CHECK(took < 5.5);
  CHECK(metric(a.port, "loopcast_http_timeouts_total{phase=\"body\"}") == 1);
}

TEST_CASE("front door: over the per-address cap and over the global cap, 503 at once — other addresses still served") {
  Api a;
  std::vector<std::unique_ptr<Fd>> held;
  for (int i = 0; i < 8; ++i) held.push_back(std::make_unique<Fd>(connect_from("127.0.2.1", a.port)));
  const RawReply own = raw_request(a.port, kStatus, 2, "127.0.2.1");
  CHECK(own.status == 503);
  CHECK(own.seconds < 0.5);
  CHECK(raw_request(a.port, kStatus, 2, "127.0.2.2").status == 200);
  for (int addr = 3; held.size() < 40; ++addr)
    for (int i = 0; i < 8 && held.size() < 40; ++i)
      held.push_back(std::make_unique<Fd>(connect_from(fmt::format("127.0.2.{}", addr), a.port)));
  RawReply over;
  REQUIRE_MESSAGE(wait_for([&] { return (over = raw_request(a.port, kStatus, 1, "127.0.3.1")).status == 503; }, 2), over.status, " ",
                  metric(a.port, "loopcast_http_open_connections"));
  held.clear();
  CHECK(wait_for([&] { return raw_request(a.port, kStatus, 1, "127.0.3.1").status == 200; }, 3));
  CHECK(metric(a.port, "loopcast_http_refusals_total{reason=\"per_address\"}") >= 1);
  CHECK(metric(a.port, "loopcast_http_refusals_total{reason=\"global_cap\"}") >= 1);
  CHECK(metric(a.port, "loopcast_http_open_connections") == 1);  // the metrics request itself
}

TEST_CASE("front door: event listeners are capped per address (503), and the others keep theirs") {
  Api a;
  const std::string subscribe = "GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n";
  Fd one{connect_from("127.0.4.1", a.port)}, two{connect_from("127.0.4.1", a.port)}, three{connect_from("127.0.4.1", a.port)};
  Fd other{connect_from("127.0.4.2", a.port)};
  for (int fd : {one.fd, two.fd}) {
    REQUIRE(send_all(fd, subscribe));
    CHECK(read_for(fd, 2, "event: status").find("event: status") != std::string::npos);
  }
  REQUIRE(send_all(three.fd, subscribe));
  CHECK(read_for(three.fd, 2, "\r\n\r\n").rfind("HTTP/1.1 503", 0) == 0);
  REQUIRE(send_all(other.fd, subscribe));
  CHECK(read_for(other.fd, 2, "event: status").find("event: status") != std::string::npos);
  CHECK(metric(a.port, "loopcast_event_clients") == 3);
  CHECK(metric(a.port, "loopcast_http_refusals_total{reason=\"event_listeners\"}") == 1);
  // Listeners are not idle connections: past the idle timeout they still get their events.
  CHECK(read_for(one.fd, 1.5, "event: status").find("event: status") != std::string::npos);
}

TEST_CASE("front door: Expect: 100-continue gets one 100 from the front door, then the one response") {
  Api a;
  const std::string body = read_text(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/azuracast_song_a.json");
  Fd c{connect_from("127.0.5.1", a.port)};
  REQUIRE(
      send_all(c.fd, fmt::format("POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                                 "Content-Length: {}\r\n\r\n",
                                 body.size())));
  CHECK(read_for(c.fd, 2, "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  REQUIRE(send_all(c.fd, body));
  const std::string reply = read_for(c.fd, 2, "\"ok\":true");
  CHECK(reply.rfind("HTTP/1.1 202", 0) == 0);
  CHECK(reply.find("100 Continue") == std::string::npos);
  CHECK(a.ctl.tracks.size() == 1);
}

TEST_CASE("front door: pipelined requests are answered in order on one connection") {
  Api a;
  Fd c{connect_from("127.0.5.2", a.port)};
  REQUIRE(send_all(c.fd, kStatus + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
  bool closed = false;
  const std::string replies = read_for(c.fd, 2, "not found", &closed);
  const auto first = replies.find("HTTP/1.1 200"), second = replies.find("HTTP/1.1 404");
  CHECK(first == 0);
  CHECK(second != std::string::npos);
}

TEST_CASE("front door: a client that never reads its responses holds no worker (one worker serves everyone else)") {
  Api a;
  a.ctl.snapshot.track.title = std::string(60000, 't');  // 60 kB status documents
  Fd hog{connect_from("127.0.6.1", a.port, 2048)};
  std::string many;
  for (int i = 0; i < 100; ++i) many += kStatus;
  REQUIRE(send_all(hog.fd, many));
  for (int i = 0; i < 5; ++i) {
    const RawReply r = raw_request(a.port, kStatus, 2, "127.0.6.2");
    CHECK(r.status == 200);
    CHECK(r.seconds < 0.5);
    std::this_thread::sleep_for(100ms);
  }
  // It is closed once it has taken nothing for the write timeout.
  CHECK(wait_for([&] { return metric(a.port, "loopcast_http_timeouts_total{phase=\"write\"}") == 1; }, 4));
}

TEST_CASE("a token without HTTPS on an address other hosts reach is flagged (the start-up warning)") {
  ControlConfig c;
  c.api_token = "t";
  for (const char* bind : {"127.0.0.1", "127.0.1.5", "::1", "localhost"}) {
    c.http_bind = bind;
    CHECK_FALSE(token_travels_in_clear(c));
  }
  for (const char* bind : {"0.0.0.0", "::", "192.168.1.10", ""}) {
    c.http_bind = bind;
    CHECK(token_travels_in_clear(c));
  }
  c.https_cert = "cert.pem";
  CHECK_FALSE(token_travels_in_clear(c));
  c.https_cert.clear();
  c.api_token.clear();
  CHECK_FALSE(token_travels_in_clear(c));
}

TEST_CASE("the connection cap keeps a quarter of the file limit (at least 512) for the streams") {
  CHECK(connection_cap(1024) == 512);
  CHECK(connection_cap(20000) == 15000);
  CHECK(connection_cap(1 << 20) == 50000);
  CHECK(connection_cap(256) == 64);
}
