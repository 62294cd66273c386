// engine/output/hls_upload: an HLS output's files PUT to a server on loopback, in order, the newest
// playlist only; a failing, refusing or stalled server gives a clear (redacted) error and backoff,
// and the queued segments arrive without a gap once it answers again.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/output/hls_upload.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace std::chrono_literals;

namespace {
constexpr const char* kKey = "abcd-efgh-ijkl-mnop";
const Backoff kFast{0.05, 1.0, 0.05, 0};

// A WebDAV-like server: records every PUT (path, body), answers `status` (changeable while running).
struct IngestFake {
  test::LoopbackHttp http;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> puts;
  std::atomic<int> status{201};
  std::string refuse;  // a file name answered 413 (set before start)
  std::atomic<int> refusals{0};
  IngestFake() {
    http.routes().Put(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      res.status = status.load();
      if (!refuse.empty() && req.path.ends_with("/" + refuse)) {
        res.status = 413;
        ++refusals;
      }
      if (res.status >= 300) return;
      std::lock_guard<std::mutex> lk(mu);
      puts.emplace_back(req.target, req.body);
    });
    http.start();
  }
  std::vector<std::pair<std::string, std::string>> got() {
    std::lock_guard<std::mutex> lk(mu);
    return puts;
  }
};

template <typename F>
bool eventually(F f, double seconds = 5) {
  for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds); std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(10ms))
    if (f()) return true;
  return f();
}

std::string shown() { return "hls+http://127.0.0.1/ingest/****/"; }
}  // namespace

TEST_CASE("hls upload: segments before the playlist that names them, only the newest playlist, under the prefix") {
  IngestFake srv;
  HlsUpload up(srv.http.url(std::string("/ingest/") + kKey + "/"), shown(), 2, kFast);
  // Queued before the thread runs, as during an outage: the first playlist is superseded.
  up.add("index100.ts", "seg-100");
  up.add("index.m3u8", "playlist-1");
  up.add("index101.ts", "seg-101");
  up.add("index.m3u8", "playlist-2");
  CHECK(up.status().queued_segments == 2);
  up.start();
  REQUIRE(eventually([&] { return srv.got().size() == 3; }));
  const auto puts = srv.got();
  CHECK(puts[0] == std::make_pair(std::string("/ingest/") + kKey + "/index100.ts", std::string("seg-100")));
  CHECK(puts[1] == std::make_pair(std::string("/ingest/") + kKey + "/index101.ts", std::string("seg-101")));
  CHECK(puts[2] == std::make_pair(std::string("/ingest/") + kKey + "/index.m3u8", std::string("playlist-2")));
  up.stop(1);
  const auto st = up.status();
  CHECK(st.files == 3);
  CHECK(st.bytes == 7 + 7 + 10);
  CHECK_FALSE(st.failing);
  CHECK(st.queued_segments == 0);
}

TEST_CASE("hls upload: YouTube's form appends the name after file=") {
  IngestFake srv;
  HlsUpload up(srv.http.url(std::string("/http_upload_hls?cid=") + kKey + "&copy=0&file="), "youtube-hls://****", 2, kFast);
  up.start();
  up.add("index7.ts", "x");
  REQUIRE(eventually([&] { return srv.got().size() == 1; }));
  CHECK(srv.got()[0].first == std::string("/http_upload_hls?cid=") + kKey + "&copy=0&file=index7.ts");
  up.stop(1);
}

TEST_CASE("hls upload: a 503 is a clear error with backoff, and the segments queued meanwhile arrive in order when it answers") {
  IngestFake srv;
  srv.status = 503;
  HlsUpload up(srv.http.url(std::string("/ingest/") + kKey + "/"), shown(), 2, kFast);
  up.start();
  up.add("index1.ts", "1");
  up.add("index.m3u8", "p1");
  REQUIRE(eventually([&] { return up.status().attempt >= 2; }));
  auto st = up.status();
  CHECK(st.failing);
  CHECK_MESSAGE(st.last_error.find("PUT index1.ts: HTTP 503 Service Unavailable") != std::string::npos, st.last_error);
  CHECK(st.last_error.find(kKey) == std::string::npos);
  CHECK(st.last_error.find(shown()) != std::string::npos);
  for (int i = 2; i <= 5; ++i) {
    up.add("index" + std::to_string(i) + ".ts", std::to_string(i));
    up.add("index.m3u8", "p" + std::to_string(i));
  }
  CHECK(up.status().queued_segments == 5);
  srv.status = 201;  // the server is back
  REQUIRE(eventually([&] { return srv.got().size() == 6; }));
  const auto puts = srv.got();
  for (int i = 1; i <= 5; ++i) CHECK(puts[static_cast<size_t>(i - 1)].second == std::to_string(i));
  CHECK(puts[5].second == "p5");
  st = up.status();
  CHECK_FALSE(st.failing);
  CHECK(st.attempt == 0);
  CHECK(st.recoveries == 1);
  CHECK(st.dropped_segments == 0);
  up.stop(1);
}

TEST_CASE("hls upload: a 403 and a refused connection are errors too, and the key is in neither") {
  IngestFake srv;
  srv.status = 403;
  HlsUpload up(srv.http.url(std::string("/ingest/") + kKey + "/"), shown(), 2, kFast);
  up.start();
  up.add("index1.ts", "1");
  REQUIRE(eventually([&] { return up.status().attempt >= 1; }));
  CHECK(up.status().last_error.find("HTTP 403 Forbidden") != std::string::npos);
  up.stop(0.2);

  // Nothing listens on a port just freed.
  int port = 0;
  {
    test::LoopbackHttp gone;
    gone.start();
    port = std::stoi(gone.url("").substr(17));
  }
  HlsUpload refused("http://127.0.0.1:" + std::to_string(port) + "/ingest/" + kKey + "/", shown(), 2, kFast);
  refused.start();
  refused.add("index1.ts", "1");
  REQUIRE(eventually([&] { return refused.status().attempt >= 2; }));
  const auto st = refused.status();
  CHECK_MESSAGE(st.last_error.find("PUT index1.ts: Could not establish connection") != std::string::npos, st.last_error);
  CHECK(st.last_error.find(kKey) == std::string::npos);
  refused.stop(0.2);
}

TEST_CASE("hls upload: a server that accepts and never answers times out, and stop() does not wait for it") {
  // A listener that never accepts nor answers: the kernel takes the connection and the request
  // into its buffers, no answer ever comes.
  test::SilentListener silent;
  const std::string prefix = "http://127.0.0.1:" + std::to_string(silent.port) + "/ingest/" + kKey + "/";
  {
    HlsUpload up(prefix, shown(), 0.5, kFast);
    up.start();
    up.add("index1.ts", std::string(1000, 'x'));
    REQUIRE(eventually([&] { return up.status().attempt >= 1; }, 5));
    CHECK_MESSAGE(up.status().last_error.find("PUT index1.ts: no answer for 0.5s (stalled)") != std::string::npos, up.status().last_error);
    up.add("index2.ts", "2");
    const auto t0 = std::chrono::steady_clock::now();
    up.stop(0.3);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  }
}

TEST_CASE("hls upload: an outage longer than the queue drops the oldest segments, never the newest") {
  IngestFake srv;
  srv.status = 503;
  HlsUpload up(srv.http.url("/ingest/"), shown(), 2, kFast);
  for (int i = 0; i < 40; ++i) up.add("index" + std::to_string(i) + ".ts", std::to_string(i));
  up.add("index.m3u8", "p");
  auto st = up.status();
  CHECK(st.dropped_segments == 40 - kMaxQueuedSegments);
  CHECK(st.queued_segments == kMaxQueuedSegments);
  srv.status = 201;
  up.start();
  REQUIRE(eventually([&] { return srv.got().size() == kMaxQueuedSegments + 1; }));
  const auto puts = srv.got();
  CHECK(puts.front().second == std::to_string(40 - kMaxQueuedSegments));  // the newest 30, in order
  CHECK(puts[kMaxQueuedSegments - 1].second == "39");
  CHECK(puts.back().second == "p");
  up.stop(1);
}

TEST_CASE("hls upload: a file the server refuses (4xx) is tried three times and skipped, the ones behind it go through") {
  IngestFake srv;
  srv.refuse = "index2.ts";
  HlsUpload up(srv.http.url("/ingest/"), shown(), 2, kFast);
  up.start();
  for (int i = 1; i <= 3; ++i) up.add("index" + std::to_string(i) + ".ts", std::to_string(i));
  up.add("index.m3u8", "p");
  REQUIRE(eventually([&] { return srv.got().size() == 3; }));
  const auto puts = srv.got();
  CHECK(puts[0].second == "1");
  CHECK(puts[1].second == "3");
  CHECK(puts[2].second == "p");
  CHECK(srv.refusals == kRefusedTries);
  const auto st = up.status();
  CHECK(st.dropped_segments == 1);
  CHECK(st.refused_segments == 1);
  CHECK(st.last_error.find("PUT index2.ts: HTTP 413") != std::string::npos);
  CHECK_FALSE(st.failing);  // the files after it went through
  up.stop(1);
}

TEST_CASE("hls upload: a 503 or a 429 is never a refusal: the same segment is retried until it goes through") {
  for (int code : {503, 429, 408}) {
    CAPTURE(code);
    IngestFake srv;
    srv.status = code;
    HlsUpload up(srv.http.url("/ingest/"), shown(), 2, kFast);
    up.start();
    up.add("index1.ts", "1");
    REQUIRE(eventually([&] { return up.status().attempt >= kRefusedTries + 2; }));
    CHECK(up.status().dropped_segments == 0);
    srv.status = 201;
    REQUIRE(eventually([&] { return srv.got().size() == 1; }));
    up.stop(1);
  }
}
