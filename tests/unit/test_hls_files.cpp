// api/hls_files: /live/{stream}/... serves the HLS output's playlist and segments with the headers
// a player on another site needs, and nothing else of the directory, whatever the path says.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "api/hls_files.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/raw_http.hpp"

using namespace loopcast;
using loopcast::test::LoopbackHttp;

namespace {
void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
}  // namespace

TEST_CASE("hls files: playlist and segments with CORS and their types, 404 for anything else") {
  test::TempDir tmp("hls-files");
  const std::string dir = tmp.path + "/live";
  std::filesystem::create_directories(dir + "/sub");
  write(dir + "/index.m3u8", "#EXTM3U\nindex17.ts\n");
  write(dir + "/index17.ts", std::string("\x47rest-of-segment", 16));
  write(dir + "/index18.ts.tmp", "half a segment");
  write(dir + "/secret.txt", "not for the web");
  write(dir + "/sub/index.m3u8", "not for the web");
  write(tmp.path + "/index.m3u8", "not for the web");

  LoopbackHttp http;
  add_hls_routes(http.routes(), [&](const std::string& id) { return id == "main" ? dir : ""; });
  http.start();
  httplib::Client cli(http.url(""));

  auto pl = cli.Get("/live/main/index.m3u8");
  REQUIRE(pl);
  CHECK(pl->status == 200);
  CHECK(pl->body == "#EXTM3U\nindex17.ts\n");
  CHECK(pl->get_header_value("Content-Type") == "application/vnd.apple.mpegurl");
  CHECK(pl->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(pl->get_header_value("Cache-Control") == "no-cache");

  auto seg = cli.Get("/live/main/index17.ts");
  REQUIRE(seg);
  CHECK(seg->status == 200);
  CHECK(seg->body.size() == 16);
  CHECK(seg->get_header_value("Content-Type") == "video/mp2t");
  CHECK(seg->get_header_value("Access-Control-Allow-Origin") == "*");

  auto gone = cli.Get("/live/main/index16.ts");  // left the window
  REQUIRE(gone);
  CHECK(gone->status == 404);
  CHECK(gone->get_header_value("Access-Control-Allow-Origin") == "*");

  auto none = cli.Get("/live/other/index.m3u8");
  REQUIRE(none);
  CHECK(none->status == 404);
  CHECK(none->body.find("stream 'other' has no HLS output") != std::string::npos);

  const int port = std::stoi(http.url("").substr(http.url("").rfind(':') + 1));
  for (const char* path :
       {"/live/main/secret.txt", "/live/main/index18.ts.tmp", "/live/main/..%2Findex.m3u8", "/live/main/%2e%2e%2fsecret.txt",
        "/live/main/sub%2Findex.m3u8", "/live/main/sub/index.m3u8", "/live/main/../index.m3u8", "/live/..%2Flive/index.m3u8",
        "/live/main/..%2F..%2F..%2Fetc%2Fpasswd", "/live/main/index17.ts%00.txt", "/live/Main/index.m3u8"}) {
    const auto r = test::raw_request(port, std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK_MESSAGE(r.status == 404, path << " → " << r.status);
    CHECK_MESSAGE(r.body.find("not for the web") == std::string::npos, path);
    CHECK_MESSAGE(r.body.find("half a segment") == std::string::npos, path);
  }
}
