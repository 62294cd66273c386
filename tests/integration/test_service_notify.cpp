// systemd readiness of the real binary (Type=notify in deploy/systemd/loopcast@.service): with
// NOTIFY_SOCKET set, READY=1 arrives only once the HTTP API answers, STOPPING=1 on SIGTERM.
#include <doctest/doctest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

#include "tests/integration/run_loopcast.hpp"

using namespace loopcast::test;

namespace {
// The test's end of the notify socket: a unix datagram socket, as systemd's own.
struct NotifySocket {
  explicit NotifySocket(const std::string& p) : path(p) {
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    path.copy(a.sun_path, sizeof a.sun_path - 1);
    ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~NotifySocket() {
    if (fd >= 0) close(fd);
    unlink(path.c_str());
  }
  // The next datagram ("" when none came within timeout_s).
  std::string receive(double timeout_s) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout_s * 1000)) != 1) return "";
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  std::string path;
  int fd = -1;
  bool ok = false;
};
}  // namespace

TEST_CASE("sd_notify: READY=1 once the API answers, STOPPING=1 on SIGTERM, exit 0") {
  TempDir dir("loopcast-notify");
  NotifySocket sock(dir.path + "/notify.sock");
  REQUIRE(sock.ok);
  const int port = free_tcp_port();
  REQUIRE(port > 0);
  setenv("NOTIFY_SOCKET", sock.path.c_str(), 1);  // inherited by the spawned binary only
  Loopcast lc({"--output", dir.path + "/x.flv", "--http-port", std::to_string(port), "--size", "320x180"});
  unsetenv("NOTIFY_SOCKET");

  const std::string ready = sock.receive(30);
  REQUIRE_MESSAGE(ready.find("READY=1") != std::string::npos, "got '" << ready << "'; log: " << lc.log());
  CHECK(ready.find("STATUS=streaming: 1 stream(s)") != std::string::npos);
  // At READY the API must already answer (systemd starts dependants right away).
  auto cli = api(port);
  auto r = cli.Get("/api/v1/status");
  REQUIRE(r);
  CHECK(r->status == 200);

  CHECK(lc.terminate() == 0);
  const std::string stopping = sock.receive(1);
  CHECK_MESSAGE(stopping.find("STOPPING=1") != std::string::npos, "got '" << stopping << "'");
  CHECK(sock.receive(0.2).empty());  // nothing else: READY once, STOPPING once
}

TEST_CASE("sd_notify: a run that ends by itself (--duration) sends READY=1 and exits 0") {
  TempDir dir("loopcast-notify");
  NotifySocket sock(dir.path + "/notify.sock");
  REQUIRE(sock.ok);
  setenv("NOTIFY_SOCKET", sock.path.c_str(), 1);
  Loopcast lc({"--output", dir.path + "/x.flv", "--http-port", "0", "--size", "320x180", "--duration", "1"});
  unsetenv("NOTIFY_SOCKET");
  CHECK(sock.receive(30).find("READY=1") != std::string::npos);  // no HTTP API: ready when streaming
  CHECK(lc.wait(30) == 0);
}
