// The channels API over a registry of fake streams: list, get, put, delete, per-stream routes,
// webhook routing by id and by station shortcode, stream labels on the metrics.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/http_server.hpp"
#include "api/stream_routes.hpp"
#include "base/redact.hpp"
#include "control/channels/streams.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using loopcast::test::FakeController;

namespace {
const httplib::Headers kBearer = {{"Authorization", "Bearer chan-token"}};

struct ChannelsApi {
  ChannelsApi() {
    auto doc = split_streams_document(R"({"streams": [
      {"id": "jazz", "output": "rtmp://127.0.0.1/live/jazz-key-123"},
      {"id": "talk", "output": "talk.flv", "station": "talk_fm"}]})");
    REQUIRE(doc);
    AppConfig base;
    base.engine.loop = "a.mp4";
    streams = std::make_unique<Streams>(Streams::Options{base, *doc, "",
                                                         [](AppConfig& c) {
                                                           for (const auto& o : c.engine.outputs)
                                                             if (o.rfind("rtmp", 0) == 0) register_secret(o.substr(o.rfind('/') + 1));
                                                         },
                                                         [this](const StreamSpec& s) -> Result<std::shared_ptr<Stream>> {
                                                           std::lock_guard lk(mu);
                                                           auto ctl = std::make_shared<FakeController>();
                                                           ctl->snapshot.state = StreamState::running;
                                                           ctl->snapshot.loop = s.id + ".mp4";
                                                           fakes[s.id] = ctl;
                                                           return std::make_shared<Stream>(s.id, ctl);
                                                         }});
    REQUIRE(streams->load());
    ControlConfig cfg;
    cfg.http_port = 0;
    cfg.api_token = "chan-token";
    server = std::make_unique<HttpServer>(*streams, cfg);
    REQUIRE(server->start());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(5, 0);
  }
  std::shared_ptr<FakeController> fake(const std::string& id) {
    std::lock_guard lk(mu);
    return fakes[id];
  }
  std::mutex mu;
  std::map<std::string, std::shared_ptr<FakeController>> fakes;
  std::unique_ptr<Streams> streams;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
};

rapidjson::Document json(const httplib::Result& r) {
  rapidjson::Document d;
  d.Parse(r ? r->body.c_str() : "{}");
  return d;
}

std::string webhook_body(const std::string& shortcode, const std::string& title) {
  return R"({"station": {"shortcode": ")" + shortcode + R"("}, "now_playing": {"song": {"id": "s1", "artist": "A", "title": ")" + title + R"("}}})";
}
}  // namespace

TEST_CASE("GET /api/v1/streams lists every stream with a status summary") {
  ChannelsApi a;
  auto d = json(a.client->Get("/api/v1/streams"));
  REQUIRE(d.IsObject());
  REQUIRE(d["streams"].Size() == 2);
  CHECK(std::string(d["streams"][0]["id"].GetString()) == "jazz");
  CHECK(std::string(d["streams"][1]["id"].GetString()) == "talk");
  CHECK(std::string(d["streams"][1]["loop"].GetString()) == "talk.mp4");
  CHECK(d["streams"][1]["running"].GetBool());
  CHECK_FALSE(d["persistent"].GetBool());
}

TEST_CASE("GET /api/v1/streams/{id}: the entry with its stream key redacted, and its status") {
  ChannelsApi a;
  auto r = a.client->Get("/api/v1/streams/jazz");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("jazz-key-123") == std::string::npos);
  auto d = json(r);
  CHECK(std::string(d["config"]["output"].GetString()) == "rtmp://127.0.0.1/live/****");
  CHECK(std::string(d["status"]["stream"].GetString()) == "jazz");
  CHECK(a.client->Get("/api/v1/streams/nope")->status == 404);
  CHECK(a.client->Get("/api/v1/streams/Bad_Id")->status == 404);
}

TEST_CASE("per-stream routes act on that stream only, the old routes on the first") {
  ChannelsApi a;
  auto r = a.client->Post("/api/v1/streams/talk/restart", kBearer, "", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(a.fake("talk")->calls_copy() == std::vector<std::string>{"restart"});
  CHECK(a.fake("jazz")->calls_copy().empty());
  CHECK(a.client->Post("/api/v1/streams/talk/stop", "", "application/json")->status == 401);  // token required
  REQUIRE(a.client->Post("/api/v1/streams/talk/track", kBearer, R"({"loop": "b"})", "application/json")->status == 202);
  CHECK(a.fake("talk")->calls_copy().back() == "switch:b");
  REQUIRE(a.client->Post("/api/v1/streams/talk/mapping/reload", kBearer, "", "application/json")->status == 200);
  CHECK(a.fake("talk")->calls_copy().back() == "reload");
  CHECK(json(a.client->Get("/api/v1/streams/talk/status"))["stream"].GetString() == std::string("talk"));
  CHECK(a.client->Post("/api/v1/streams/none/start", kBearer, "", "application/json")->status == 404);

  REQUIRE(a.client->Post("/api/v1/stream/stop", kBearer, "", "application/json")->status == 200);
  CHECK(a.fake("jazz")->calls_copy() == std::vector<std::string>{"stop"});
  CHECK(json(a.client->Get("/api/v1/status"))["stream"].GetString() == std::string("jazz"));
}

TEST_CASE("PUT creates or replaces a stream, validated, DELETE removes it") {
  ChannelsApi a;
  auto created = a.client->Put("/api/v1/streams/news", kBearer, R"({"output": "news.flv", "fps": 25})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);
  auto d = json(created);
  CHECK(d["created"].GetBool());
  CHECK_FALSE(d["persisted"].GetBool());
  CHECK(std::string(d["note"].GetString()).find("lasts until exit") != std::string::npos);
  CHECK(a.streams->ids().back() == "news");

  auto bad = a.client->Put("/api/v1/streams/news", kBearer, R"({"output": "news.flv", "fps": 0})", "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(std::string(json(bad)["error"].GetString()) == "stream 'news': fps 0: must be 1..60");
  CHECK(a.client->Put("/api/v1/streams/news", R"({"output": "n.flv"})", "application/json")->status == 401);

  auto old = a.fake("talk");
  auto replaced = a.client->Put("/api/v1/streams/talk", kBearer, R"({"output": "talk2.flv"})", "application/json");
  REQUIRE(replaced);
  CHECK(replaced->status == 200);
  CHECK(old->calls_copy() == std::vector<std::string>{"stop"});
  CHECK(a.fake("talk") != old);

  auto del = a.client->Delete("/api/v1/streams/news", kBearer);
  REQUIRE(del);
  CHECK(del->status == 200);
  CHECK(a.streams->ids() == std::vector<std::string>{"jazz", "talk"});
  CHECK(a.client->Delete("/api/v1/streams/news", kBearer)->status == 404);
}

TEST_CASE("webhooks route by path id, then by station shortcode, else to the first stream") {
  ChannelsApi a;
  // The API token guards the webhook when no webhook user is set: anonymous is refused, routes nothing.
  CHECK(a.client->Post("/webhook/azuracast/talk", webhook_body("whatever", "Zero"), "application/json")->status == 401);
  auto r = a.client->Post("/webhook/azuracast/talk", kBearer, webhook_body("whatever", "One"), "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  CHECK(std::string(json(r)["stream"].GetString()) == "talk");
  REQUIRE(a.client->Post("/webhook/azuracast", kBearer, webhook_body("talk_fm", "Two"), "application/json")->status == 202);
  REQUIRE(a.client->Post("/webhook/azuracast", kBearer, webhook_body("unknown", "Three"), "application/json")->status == 202);
  REQUIRE(a.fake("talk")->tracks.size() == 2);
  CHECK(a.fake("talk")->tracks[0].title == "One");
  CHECK(a.fake("talk")->tracks[1].title == "Two");
  REQUIRE(a.fake("jazz")->tracks.size() == 1);
  CHECK(a.fake("jazz")->tracks[0].title == "Three");
  CHECK(a.client->Post("/webhook/azuracast/nope", kBearer, webhook_body("x", "Four"), "application/json")->status == 404);
}

TEST_CASE("every per-stream metric carries stream=id") {
  ChannelsApi a;
  a.fake("talk")->snapshot.video_frames = 42;
  const std::string m = a.client->Get("/metrics")->body;
  CHECK(m.find("loopcast_video_frames_total{stream=\"talk\"} 42\n") != std::string::npos);
  CHECK(m.find("loopcast_running{stream=\"jazz\"} 1\n") != std::string::npos);
  CHECK(m.find("loopcast_input_state{stream=\"jazz\",state=\"stopped\"} 1\n") != std::string::npos);
  CHECK(m.find("# TYPE loopcast_running gauge") == m.rfind("# TYPE loopcast_running gauge"));  // one family
  CHECK(m.find("loopcast_up 1\n") != std::string::npos);  // process-wide: no stream label
}

TEST_CASE("each channel has its own event stream: its status and events only — 404 for an unknown id — deleting the channel ends it") {
  ChannelsApi a;
  a.fake("talk")->event_log.add(EventKind::switched, "loop 'talk-night.mp4' on air (api)");
  auto first_event = [&](const std::string& path) {
    std::string got;
    httplib::Client c("127.0.0.1", a.server->port());
    c.set_read_timeout(5, 0);
    auto r = c.Get(path, [&](const char* data, size_t n) {
      got.append(data, n);
      return got.find("\n\n") == std::string::npos;  // one status event, then hang up
    });
    return got;
  };
  const std::string talk = first_event("/api/v1/streams/talk/events");
  CHECK(talk.rfind("event: status\ndata: {", 0) == 0);
  CHECK(talk.find(R"("loop":"talk.mp4")") != std::string::npos);
  CHECK(talk.find("jazz") == std::string::npos);
  const std::string first = first_event("/api/v1/events");  // the root stream stays the first channel's
  CHECK(first.find(R"("loop":"jazz.mp4")") != std::string::npos);
  CHECK(a.client->Get("/api/v1/streams/nope/events")->status == 404);

  // A listener of a channel that is deleted: its stream ends instead of living on.
  std::string log_events;
  std::atomic<bool> ended{false};
  std::thread listener([&] {
    httplib::Client c("127.0.0.1", a.server->port());
    c.set_read_timeout(10, 0);
    c.Get("/api/v1/streams/talk/events", [&](const char* data, size_t n) {
      log_events.append(data, n);
      return true;
    });
    ended = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK_FALSE(ended.load());
  {
    std::lock_guard lk(a.mu);
    a.fakes.erase("talk");  // the registry's handle is then the channel's last owner
  }
  CHECK(a.client->Delete("/api/v1/streams/talk", kBearer)->status == 200);
  const auto t0 = std::chrono::steady_clock::now();
  while (!ended && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(ended.load());
  listener.join();
  CHECK(log_events.find("event: log\ndata: [") != std::string::npos);  // the channel's own events came with it
  CHECK(log_events.find("talk-night.mp4") != std::string::npos);
}

TEST_CASE("{key} through the API is filled in only on YouTube's ingest: another host is refused and nothing starts") {
  ChannelsApi a;
  for (const char* out : {"rtmp://evil.example/live/{key}", "rtmp://a.rtmp.youtube.com@evil.example/live/{key}",
                          "rtmps://a.rtmps.youtube.com.evil.example:443/live2/{key}"}) {
    CAPTURE(out);
    auto r = a.client->Put("/api/v1/streams/leak", kBearer, fmt::format(R"({{"output": "{}"}})", out), "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find("only on YouTube") != std::string::npos);
    CHECK(a.fake("leak") == nullptr);  // never launched
  }
  CHECK(a.streams->ids() == std::vector<std::string>{"jazz", "talk"});
  auto yt = a.client->Put("/api/v1/streams/yt", kBearer, R"({"output": "rtmps://b.rtmps.youtube.com:443/live2?backup=1/{key}"})", "application/json");
  REQUIRE(yt);
  // YouTube's ingest passes the host check (this test runs without LOOPCAST_STREAM_KEY, so what
  // refuses it is the missing key, not the host).
  CHECK(yt->body.find("only on YouTube") == std::string::npos);
  CHECK(yt->body.find("LOOPCAST_STREAM_KEY is not set") != std::string::npos);
}
