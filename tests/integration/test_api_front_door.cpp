// The real binary, streaming, under the attacks of issue 25, each with status and the webhook
// probed from another address: 300 slowloris clients from 300 addresses; 500 half-open
// connections from 10 addresses plus 50 event listeners (one never reading); 5,000 idle
// connections. Each time: median < 200 ms, max < 1 s, no dropped frame, and the process's file
// descriptors and threads back to where they were once the attackers leave. Loopback only.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/crowd.hpp"
#include "tests/support/raw_http.hpp"

using namespace loopcast::test;
using namespace std::chrono_literals;

namespace {
const std::string kStatus = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
const char* kProbeFrom = "127.250.0.1";

std::string webhook_request() {
  const std::string body = read_text(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/azuracast_song_a.json");
  return fmt::format("POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                     body.size(), body);
}

struct Stream {
  Stream()
      : port(free_tcp_port()),
        out(make_temp_dir("loopcast-front") + "/front.flv"),
        lc({"--loops-dir", std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops", "--output", out, "--http-port", std::to_string(port),
            "--size", "640x360", "--vbitrate", "800k", "--duration", "120"}) {
    auto cli = api(port);
    REQUIRE_MESSAGE(wait_for(
                        [&] {
                          auto d = status(cli);
                          return d.IsObject() && d.HasMember("video_frames") && d["video_frames"].GetUint64() > 30;
                        },
                        15),
                    lc.log());
    // Warm up what a probe uses, then take the baseline.
    for (int i = 0; i < 3; ++i) {
      raw_request(port, kStatus, 3, kProbeFrom);
      raw_request(port, webhook_request(), 3, kProbeFrom);
    }
    std::this_thread::sleep_for(500ms);
    fds = open_fds(lc.pid);
    threads = vm_kb(lc.pid, "Threads");
    dropped = status(cli)["dropped_frames"].GetUint64();
  }
  uint64_t dropped_now() {
    auto cli = api(port);
    auto d = status(cli);
    return d.IsObject() && d.HasMember("dropped_frames") ? d["dropped_frames"].GetUint64() : ~0ull;
  }
  int port;
  std::string out;
  Loopcast lc;
  size_t fds = 0;
  long threads = 0;
  uint64_t dropped = 0;
};

struct Probes {
  std::vector<double> seconds;
  int failures = 0;
  double median() {
    std::sort(seconds.begin(), seconds.end());
    return seconds.empty() ? 99 : seconds[seconds.size() / 2];
  }
  double max() const { return seconds.empty() ? 99 : *std::max_element(seconds.begin(), seconds.end()); }
};

// Status and the webhook, alternately, every 250 ms for `span`.
Probes probe(int port, std::chrono::seconds span) {
  Probes p;
  const auto until = std::chrono::steady_clock::now() + span;
  for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
    const bool hook = i % 2;
    const RawReply r = raw_request(port, hook ? webhook_request() : kStatus, 3, kProbeFrom);
    if (r.status != (hook ? 202 : 200)) ++p.failures;
    p.seconds.push_back(r.status ? r.seconds : 3.0);
    std::this_thread::sleep_for(250ms);
  }
  return p;
}

void check_probes(Probes p, const std::string& what) {
  const double median = p.median(), max = p.max();
  MESSAGE(fmt::format("{}: {} probes, median {:.1f} ms, max {:.1f} ms, {} failed", what, p.seconds.size(), median * 1000, max * 1000,
                      p.failures));
  CHECK(p.failures == 0);
  CHECK(median < 0.2);
  CHECK(max < 1.0);
}

// Once the attackers are gone: descriptors and threads back to the baseline (small slack).
void check_recovered(Stream& s) {
  size_t fds = 0;
  long threads = 0;
  const bool back = wait_for(
      [&] {
        fds = open_fds(s.lc.pid);
        threads = vm_kb(s.lc.pid, "Threads");
        return fds <= s.fds + 2 && threads <= s.threads + 2;
      },
      15, 0.2);
  MESSAGE(fmt::format("fds {} → {}, threads {} → {}", s.fds, fds, s.threads, threads));
  CHECK(back);
  CHECK(s.dropped_now() == s.dropped);
}
}  // namespace

TEST_CASE("front door, real binary: 300 slowloris clients from 300 addresses — status and webhook stay fast, resources come back") {
  Stream s;
  {
    Crowd slow(s.port, CrowdSpec{loopback_addresses(31, 300), 1, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-a: ", "b", 3000ms});
    REQUIRE(wait_for([&] { return slow.open() == 300; }, 10));
    check_probes(probe(s.port, 14s), "300 slowloris");  // past the 10 s header deadline: they were cut and came back
    CHECK(slow.reopened() >= 250);
  }
  auto cli = api(s.port);
  auto m = cli.Get("/metrics");
  REQUIRE(m);
  CHECK(m->body.find("loopcast_http_timeouts_total{phase=\"header\"} 0") == std::string::npos);
  check_recovered(s);
  CHECK(s.lc.terminate() == 0);
}

TEST_CASE(
    "front door, real binary: 500 half-open from 10 addresses + 50 event listeners (one never reads) — status and webhook stay fast") {
  Stream s;
  const std::string subscribe = "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
  {
    Crowd half(s.port, CrowdSpec{loopback_addresses(32, 10), 50, "POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\n", "", 3000ms});
    // 8 listeners per address at most: 49 readers from 7 addresses, and one that never reads.
    Crowd listeners(s.port, CrowdSpec{loopback_addresses(33, 7), 7, subscribe, "", 3000ms});
    const int silent = connect_from("127.34.0.1", s.port, 2048);
    REQUIRE(silent >= 0);
    REQUIRE(::send(silent, subscribe.data(), subscribe.size(), MSG_NOSIGNAL) > 0);
    REQUIRE(wait_for([&] { return half.open() == 500 && listeners.open() == 49; }, 10));
    check_probes(probe(s.port, 14s), "500 half-open + 50 SSE");
    auto cli = api(s.port);
    auto m = cli.Get("/metrics");
    REQUIRE(m);
    const auto at = m->body.find("\nloopcast_event_clients ");
    REQUIRE(at != std::string::npos);
    // The 49 readers are all served (the silent one is dropped once its backlog fills: unit test).
    CHECK(std::stoi(m->body.substr(at + 24)) >= 49);
    CHECK(m->body.find("loopcast_http_timeouts_total{phase=\"header\"} 0\n") == std::string::npos);  // the half-open were cut
    ::close(silent);
  }
  check_recovered(s);
  CHECK(s.lc.terminate() == 0);
}

TEST_CASE("front door, real binary: 5,000 idle connections from 100 addresses — status and webhook stay fast") {
  raise_fd_limit();
  Stream s;
  {
    Crowd idle(s.port, CrowdSpec{loopback_addresses(35, 100), 50, "", "", 3000ms});
    REQUIRE(wait_for([&] { return idle.open() >= 5000; }, 15));
    check_probes(probe(s.port, 12s), "5,000 idle");
  }
  check_recovered(s);
  CHECK(s.lc.terminate() == 0);
}
