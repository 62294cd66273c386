// The API as existing clients really call it: body-less POSTs (curl -X POST without -d, no
// Content-Length), the dashboard's own status path.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "api/http_server.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/raw_http.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
struct Api {
  explicit Api(std::string token = "s3cret-token") {
    ControlConfig cfg;
    cfg.http_port = 0;
    cfg.api_token = std::move(token);
    server = std::make_unique<HttpServer>(ctl, cfg);
    REQUIRE(server->start());
  }
  FakeController ctl;
  std::unique_ptr<HttpServer> server;
};

std::string post_without_body(const std::string& path, const std::string& auth) {
  return fmt::format("POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n{}\r\n", path,
                     auth.empty() ? "" : "Authorization: " + auth + "\r\n");
}
}  // namespace

TEST_CASE("a POST without body or Content-Length is answered at once, with the route's own code") {
  Api a;
  struct Case {
    const char* path;
    const char* auth;
    int code;
  };
  const Case cases[] = {
      {"/api/v1/stream/start", "Bearer s3cret-token", 200}, {"/api/v1/stream/stop", "Bearer s3cret-token", 200},
      {"/api/v1/stream/restart", "Bearer s3cret-token", 200}, {"/api/v1/mapping/reload", "Bearer s3cret-token", 200},
      {"/api/v1/stream/start", "", 401}, {"/api/v1/stream/stop", "Bearer wrong", 401},
      {"/api/v1/track", "Bearer s3cret-token", 400},  // no body: "body must be a JSON object", at once
      {"/webhook/azuracast", "", 401},  // a token is set: the webhook needs it too
      {"/webhook/azuracast", "Bearer s3cret-token", 400},
      {"/webhook/azuracast", "Basic YXp1cmFjYXN0OnMzY3JldC10b2tlbg==", 400},  // azuracast:s3cret-token
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    CAPTURE(c.auth);
    const RawReply r = raw_request(a.server->port(), post_without_body(c.path, c.auth), 5);
    CHECK(r.status == c.code);
    CHECK(r.seconds < 0.5);
  }
  CHECK(a.ctl.calls_copy() == std::vector<std::string>{"start", "stop", "restart", "reload"});
  a.ctl.next = Error{"already running", Errc::conflict};
  const RawReply conflict = raw_request(a.server->port(), post_without_body("/api/v1/stream/start", "Bearer s3cret-token"), 5);
  CHECK(conflict.status == 409);
  CHECK(conflict.body.find("already running") != std::string::npos);
}

TEST_CASE("curl -X POST with no -d, exactly as the dashboard docs write it: answered well under a second") {
  Api a;
  for (const std::string auth : {"-H 'Authorization: Bearer s3cret-token'", ""}) {
    CAPTURE(auth);
    const auto r = run_cmd(fmt::format("curl -s -o /dev/null -w '%{{http_code}} %{{time_total}}' -m 5 -X POST {} http://127.0.0.1:{}/api/v1/stream/start",
                                       auth, a.server->port()));
    REQUIRE(r.code == 0);
    int code = 0;
    double secs = 99;
    REQUIRE(std::sscanf(r.output.c_str(), "%d %lf", &code, &secs) == 2);
    CHECK(code == (auth.empty() ? 401 : 200));
    CHECK(secs < 0.5);
  }
}

TEST_CASE("GET /api/v1/stream/status is the same document as /api/v1/status") {
  Api a;
  a.ctl.snapshot.state = StreamState::running;
  a.ctl.snapshot.track.title = "One More Time";
  a.ctl.snapshot.video_frames = 77;
  const auto get = [&](const char* path) { return raw_request(a.server->port(), fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", path)); };
  const RawReply one = get("/api/v1/status"), two = get("/api/v1/stream/status");
  CHECK(one.status == 200);
  CHECK(two.status == 200);
  CHECK(one.body == two.body);
  CHECK(two.body.find("\"One More Time\"") != std::string::npos);
}

TEST_CASE("curl -d @nowplaying.json without a Content-Type: a full-size NowPlaying document is accepted, not a 413") {
  Api a;
  // curl -d sends application/x-www-form-urlencoded; httplib's own cap for that type is 8 KiB.
  std::string history;
  for (int i = 0; i < 120; ++i)
    history += fmt::format(R"({}{{"sh_id":{},"song":{{"id":"{:032x}","text":"Artist {} - Title {}","artist":"Artist {}","title":"Title {}"}}}})",
                           i ? "," : "", i, i, i, i, i, i);
  const std::string body = fmt::format(
      R"({{"station":{{"shortcode":"x"}},"now_playing":{{"sh_id":99,"song":{{"id":"{:032x}","artist":"Air","title":"Kelly Watch the Stars"}}}},"song_history":[{}]}})",
      99, history);
  REQUIRE(body.size() > 8192);
  const auto dir = make_temp_dir("loopcast-curl-d");
  std::ofstream(dir + "/np.json") << body;
  const auto r = run_cmd(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' -m 5 -H 'Authorization: Bearer s3cret-token' -d @{}/np.json "
                                     "http://127.0.0.1:{}/webhook/azuracast",
                                     dir, a.server->port()));
  std::filesystem::remove_all(dir);
  CHECK(r.output == "202");
  REQUIRE(a.ctl.tracks.size() == 1);
  CHECK(a.ctl.tracks[0].title == "Kelly Watch the Stars");
}
