#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "api/http_server.hpp"
#include "api/metrics.hpp"
#include "base/json_text.hpp"
#include "tests/support/api_fixture.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
using Api = loopcast::test::ApiFixture;

std::string error_of(const httplib::Result& r) {
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  return d.IsObject() && d.HasMember("error") ? d["error"].GetString() : "";
}

const httplib::Headers kBearer = {{"Authorization", "Bearer s3cret-token"}};
}  // namespace

TEST_CASE("status is public JSON from the controller's snapshot") {
  Api a;
  a.ctl.snapshot.state = StreamState::running;
  a.ctl.snapshot.track.artist = "Daft Punk";
  a.ctl.snapshot.video_frames = 1234;
  auto r = a.client->Get("/api/v1/status");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  REQUIRE(d.IsObject());
  CHECK(std::string(d["state"].GetString()) == "running");
  CHECK(d["running"].GetBool());
  CHECK(d["video_frames"].GetUint64() == 1234);
  CHECK(std::string(d["track"]["artist"].GetString()) == "Daft Punk");
}

TEST_CASE("the schedule: next_change in status — GET /api/v1/schedule lists the coming changes — days is checked") {
  Api a;
  a.ctl.snapshot.timezone = "Europe/Berlin";
  auto st = a.client->Get("/api/v1/status");
  REQUIRE(st);
  CHECK(st->body.find(R"("schedule":{"timezone":"Europe/Berlin","next_change":null})") != std::string::npos);
  a.ctl.snapshot.next_change = ScheduleChange{"2026-03-29T03:00:00+02:00", "start"};
  st = a.client->Get("/api/v1/status");
  CHECK(st->body.find(R"("next_change":{"at":"2026-03-29T03:00:00+02:00","what":"start"})") != std::string::npos);

  a.ctl.changes = {{"2026-03-29T03:00:00+02:00", "start"}, {"2026-03-29T20:00:00+02:00", "loop:show.mp4"}};
  auto r = a.client->Get("/api/v1/schedule");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(a.ctl.schedule_days == 7);  // the default
  CHECK(r->body == R"({"timezone":"Europe/Berlin","days":7,"changes":[{"at":"2026-03-29T03:00:00+02:00","what":"start"},)"
                   R"({"at":"2026-03-29T20:00:00+02:00","what":"loop:show.mp4"}]})");
  REQUIRE(a.client->Get("/api/v1/schedule?days=30")->status == 200);
  CHECK(a.ctl.schedule_days == 30);
  for (const char* bad : {"0", "367", "x", "", "7d", "-1"}) {
    CAPTURE(bad);
    auto b = a.client->Get(std::string("/api/v1/schedule?days=") + bad);
    REQUIRE(b);
    CHECK(b->status == 400);
    CHECK(error_of(b) == "days: expected 1..366");
  }
}

TEST_CASE("start/stop/restart reach the controller — its errors map to HTTP codes") {
  Api a;
  for (const char* op : {"start", "stop", "restart"}) {
    auto r = a.client->Post((std::string("/api/v1/stream/") + op).c_str());
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  CHECK(a.ctl.calls_copy() == std::vector<std::string>{"start", "stop", "restart"});
  a.ctl.next = Error{"already running", Errc::conflict};
  auto r = a.client->Post("/api/v1/stream/start");
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(error_of(r) == "already running");
  a.ctl.next = Error{"loop 'x' is broken", Errc::unavailable};
  CHECK(a.client->Post("/api/v1/stream/restart")->status == 503);
}

TEST_CASE("mutating endpoints need the bearer token when one is configured") {
  ControlConfig cfg;
  cfg.api_token = "s3cret-token";
  Api a(cfg);
  auto none = a.client->Post("/api/v1/stream/stop");
  REQUIRE(none);
  CHECK(none->status == 401);
  auto wrong = a.client->Post("/api/v1/stream/stop", httplib::Headers{{"Authorization", "Bearer s3cret-tokem"}}, "", "application/json");
  CHECK(wrong->status == 401);
  CHECK(a.ctl.calls_copy().empty());
  auto ok = a.client->Post("/api/v1/stream/stop", kBearer, "", "application/json");
  CHECK(ok->status == 200);
  CHECK(a.client->Get("/api/v1/status")->status == 200);  // reads stay open (healthcheck)
  CHECK(a.client->Post("/api/v1/track", kBearer, R"({"loop":"b"})", "application/json")->status == 202);
  CHECK(a.client->Post("/api/v1/track", R"({"loop":"b"})", "application/json")->status == 401);
}

TEST_CASE("manual track switch: by loop name or by artist/title — malformed input is a 400") {
  Api a;
  auto r = a.client->Post("/api/v1/track", R"({"loop":"b"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  r = a.client->Post("/api/v1/track", R"({"artist":"Air","title":"Sexy Boy"})", "application/json");
  CHECK(r->status == 202);
  REQUIRE(a.ctl.tracks.size() == 1);
  CHECK(a.ctl.tracks[0].text == "Air - Sexy Boy");
  CHECK(to_string(a.ctl.tracks[0].source) == "api");
  CHECK(a.ctl.calls_copy() == std::vector<std::string>{"switch:b", "track"});

  for (const char* bad : {"", "{", "[]", "{}", R"({"loop":5})", R"({"colour":"red"})"}) {
    CAPTURE(bad);
    auto b = a.client->Post("/api/v1/track", bad, "application/json");
    REQUIRE(b);
    CHECK(b->status == 400);
    CHECK_FALSE(error_of(b).empty());
  }
  a.ctl.next = Error{"no loop named 'zzz'", Errc::not_found};
  CHECK(a.client->Post("/api/v1/track", R"({"loop":"zzz"})", "application/json")->status == 404);
}

TEST_CASE("the AzuraCast webhook: Basic auth, realistic body, malformed bodies, size limit") {
  ControlConfig cfg;
  cfg.webhook_user = "azuracast";
  cfg.webhook_password = "hook-pw";
  Api a(cfg);
  const std::string body = read_text(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/azuracast_song_a.json");
  const httplib::Headers basic = {httplib::make_basic_authentication_header("azuracast", "hook-pw")};
  auto r = a.client->Post("/webhook/azuracast", body, "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("WWW-Authenticate").find("Basic") == 0);
  r = a.client->Post("/webhook/azuracast", httplib::Headers{httplib::make_basic_authentication_header("azuracast", "nope")}, body, "application/json");
  CHECK(r->status == 401);
  CHECK(a.ctl.tracks.empty());

  r = a.client->Post("/webhook/azuracast", basic, body, "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  REQUIRE(a.ctl.tracks.size() == 1);
  CHECK(a.ctl.tracks[0].song_id == "9f33bbc912c19603e51be8e0987d076b");
  CHECK(a.ctl.tracks[0].artist == "Daft Punk");
  CHECK(to_string(a.ctl.tracks[0].source) == "webhook");

  r = a.client->Post("/webhook/azuracast", basic, R"({"now_playing":{"song":{"title":42}}})", "application/json");
  CHECK(r->status == 400);
  CHECK(error_of(r).find("now_playing.song.title") != std::string::npos);
  r = a.client->Post("/webhook/azuracast", basic, "not json", "text/plain");
  CHECK(r->status == 400);
  r = a.client->Post("/webhook/azuracast", basic, std::string(2 << 20, 'x'), "application/json");
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(a.ctl.tracks.size() == 1);  // nothing malformed reached the controller
  // Still serving after all that.
  CHECK(a.client->Get("/api/v1/status")->status == 200);
}

TEST_CASE("unknown paths are JSON 404s — metrics are Prometheus text") {
  Api a;
  auto r = a.client->Get("/api/v2/nothing");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(error_of(r) == "not found");
  a.ctl.snapshot.state = StreamState::running;
  a.ctl.snapshot.video_frames = 42;
  a.ctl.snapshot.audio_state = AudioState::connected;
  OutputStatus o;
  o.url = "rtmp://127.0.0.1/live/****";
  o.state = OutputState::live;
  o.reconnects = 3;
  a.ctl.snapshot.outputs = {o};
  r = a.client->Get("/metrics");
  REQUIRE(r);
  CHECK(r->get_header_value("Content-Type").find("text/plain") == 0);
  CHECK(r->body.find("loopcast_running 1\n") != std::string::npos);
  CHECK(r->body.find("loopcast_video_frames_total 42\n") != std::string::npos);
  CHECK(r->body.find("# TYPE loopcast_video_frames_total counter") != std::string::npos);
  CHECK(r->body.find("loopcast_input_state{state=\"connected\"} 1") != std::string::npos);
  CHECK(r->body.find("loopcast_output_reconnects_total{output=\"rtmp://127.0.0.1/live/****\"} 3") != std::string::npos);
}

TEST_CASE("metrics show the AzuraCast feed only when one is configured") {
  StatusSnapshot s;
  CHECK(render_metrics(s).find("loopcast_trigger") == std::string::npos);
  s.trigger.source = "azuracast";
  s.trigger.state = TriggerState::polling;
  s.trigger.updates = 7;
  s.trigger.reconnects = 2;
  const std::string m = render_metrics(s);
  CHECK(m.find("loopcast_trigger_state{state=\"polling\"} 1\n") != std::string::npos);
  CHECK(m.find("loopcast_trigger_updates_total 7\n") != std::string::npos);
  CHECK(m.find("loopcast_trigger_reconnects_total 2\n") != std::string::npos);
}

TEST_CASE("metric label values are escaped") {
  StatusSnapshot s;
  OutputStatus o;
  o.url = "a\"b\\c\nd";
  s.outputs = {o};
  CHECK(render_metrics(s).find(R"(output="a\"b\\c\nd")") != std::string::npos);
}

TEST_CASE("server-sent events deliver status at once, and stop() is prompt with a listener attached") {
  Api a;
  a.ctl.snapshot.state = StreamState::running;
  std::string got;
  std::thread listener([&] {
    httplib::Client c("127.0.0.1", a.server->port());
    c.set_read_timeout(5, 0);
    c.Get("/api/v1/events", [&](const char* data, size_t n) {
      got.append(data, n);
      return got.find("\n\n") == std::string::npos;  // stop after the first event
    });
  });
  listener.join();
  REQUIRE(got.rfind("event: status\ndata: {", 0) == 0);
  rapidjson::Document d;
  const auto start = got.find("data: ") + 6;
  d.Parse(got.substr(start, got.find("\n\n") - start).c_str());
  REQUIRE(d.IsObject());
  CHECK(std::string(d["state"].GetString()) == "running");

  std::atomic<bool> listening{false};
  std::thread hanging([&] {
    httplib::Client c("127.0.0.1", a.server->port());
    c.set_read_timeout(10, 0);
    c.Get("/api/v1/events", [&](const char*, size_t) { return listening = true; });
  });
  REQUIRE(wait_for([&] { return listening.load(); }, 10));  // a listener is really attached
  const auto t0 = std::chrono::steady_clock::now();
  a.server->stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  hanging.join();
}

TEST_CASE("the dashboard page is served at /") {
  Api a;
  auto r = a.client->Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type").find("text/html") == 0);
  CHECK(r->body.find("/api/v1/events") != std::string::npos);
}

TEST_CASE("a port already in use is a clear start error") {
  Api a;
  ControlConfig cfg;
  cfg.http_port = a.server->port();
  HttpServer second(a.ctl, cfg);
  Status st = second.start();
  REQUIRE_FALSE(st);
  CHECK(st.error().find(std::to_string(a.server->port())) != std::string::npos);
}

TEST_CASE("1000 random and malformed webhook bodies: every answer is 202 or a JSON 4xx, and the server lives on") {
  Api a;
  std::mt19937 rng(42);
  const std::string real = read_text(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/azuracast_song_b.json");
  int accepted = 0, refused = 0, accepted_invalid = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string body = real;
    CAPTURE(i);
    // Mutate the real body: flip, delete or duplicate a few random bytes (mostly breaking it).
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < edits && !body.empty(); ++k) {
      const size_t pos = rng() % body.size();
      switch (rng() % 3) {
        case 0: body[pos] = static_cast<char>(rng() % 256); break;
        case 1: body.erase(pos, 1 + rng() % 20); break;
        default: body.insert(pos, body.substr(pos, 1 + rng() % 20)); break;
      }
    }
    auto r = a.client->Post("/webhook/azuracast", body, "application/json");
    REQUIRE(r);
    if (r->status == 202) {
      ++accepted;
      // Judged by an independent parser: what the server accepted is JSON.
      rapidjson::Document doc;
      if (doc.Parse(body.c_str(), body.size()).HasParseError()) ++accepted_invalid;
    } else {
      CHECK(r->status == 400);
      CHECK_FALSE(error_of(r).empty());
      ++refused;
    }
  }
  CHECK(refused == static_cast<int>(1000 - accepted));
  CHECK(accepted_invalid == 0);                              // no broken JSON was let through
  CHECK(refused > 500);                                      // most mutations break the JSON
  CHECK(accepted > 0);                                       // and the ones that do not are still taken
  CHECK(a.ctl.tracks.size() == static_cast<size_t>(accepted));  // only valid bodies reached the engine
  CHECK(a.client->Get("/api/v1/status")->status == 200);
}

TEST_CASE("JSON nested 200 000 deep is a clear 400, not a stack overflow that kills every stream") {
  Api a;
  const std::string deep(200000, '[');
  for (const char* path : {"/webhook/azuracast", "/api/v1/track"}) {
    CAPTURE(path);
    auto r = a.client->Post(path, deep, "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  auto r = a.client->Post("/webhook/azuracast", deep, "application/json");
  REQUIRE(r);
  CHECK(error_of(r).find("nested deeper than 64 levels") != std::string::npos);
  CHECK(a.client->Get("/api/v1/status")->status == 200);  // still serving
  CHECK(a.ctl.tracks.empty());
}

TEST_CASE("json_depth counts brackets outside strings only") {
  CHECK(json_depth(R"({"a":[1,{"b":[]}]})", 64) == 4);
  CHECK(json_depth(R"({"t":"[[[[{{{{ \" [[[["})", 64) == 1);
  CHECK(json_depth(std::string(100, '[') + std::string(100, ']'), 64) == 65);  // stops counting past the limit
  rapidjson::Document doc;
  CHECK(parse_json(doc, std::string(64, '[') + std::string(64, ']')));
  CHECK_FALSE(parse_json(doc, std::string(65, '[') + std::string(65, ']')));
}

TEST_CASE("without a token, a cross-site page cannot drive the stream: a foreign Origin is refused, same-origin and Origin-less requests work") {
  Api a;
  const std::string self = fmt::format("http://127.0.0.1:{}", a.server->port());
  auto evil = a.client->Post("/api/v1/stream/stop", httplib::Headers{{"Origin", "https://evil.example"}}, "", "text/plain");
  REQUIRE(evil);
  CHECK(evil->status == 403);
  CHECK(a.client->Post("/api/v1/track", httplib::Headers{{"Origin", "null"}}, R"({"loop":"b"})", "text/plain")->status == 403);
  CHECK(a.ctl.calls_copy().empty());
  CHECK(a.client->Get("/api/v1/status", httplib::Headers{{"Origin", "https://evil.example"}})->status == 200);  // reads stay open
  CHECK(a.client->Post("/api/v1/stream/stop", httplib::Headers{{"Origin", self}}, "", "application/json")->status == 200);
  CHECK(a.client->Post("/api/v1/stream/start")->status == 200);
  CHECK(a.ctl.calls_copy() == std::vector<std::string>{"stop", "start"});
}
