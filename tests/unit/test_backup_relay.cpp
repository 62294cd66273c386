// The owner of a backed-up stream passes the webhooks and track requests it acts on to the replica
// that publishes the stream's backup ingest (api/backup_relay.hpp): the queue is short and drops
// the oldest, the request that arrived never waits, a relay is authenticated like any request and
// is never relayed again. Two HttpServers stand for two replicas on 127.0.0.10 and 127.0.0.11.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/backup_relay.hpp"
#include "api/http_server.hpp"
#include "control/channels/streams.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using loopcast::test::FakeController;
using loopcast::test::LoopbackHttp;
using loopcast::test::wait_for;
using Clock = std::chrono::steady_clock;

namespace {
// The first id of the form prefix-N that replica `owner` of 2 owns.
std::string owned_by(int owner, const std::string& prefix) {
  const Shard shard{0, 2};
  for (int i = 0;; ++i)
    if (shard.owner(prefix + "-" + std::to_string(i)) == owner) return prefix + "-" + std::to_string(i);
}

std::string webhook_body(const std::string& shortcode, const std::string& title) {
  return R"({"station": {"shortcode": ")" + shortcode + R"("}, "now_playing": {"song": {"id": "s1", "artist": "A", "title": ")" + title +
         R"("}}})";
}

httplib::Request request(const std::string& method, const std::string& body, const std::string& auth) {
  httplib::Request r;
  r.method = method;
  r.body = body;
  r.set_header("Content-Type", "application/json");
  if (!auth.empty()) r.set_header("Authorization", auth);
  return r;
}
}  // namespace

TEST_CASE(
    "backup relay: what the owner acted on reaches the backup replica, marked, with its credentials — never blocking, oldest dropped") {
  LoopbackHttp peer;
  std::mutex mu;
  std::vector<httplib::Request> got;
  std::atomic<bool> stall{false};
  peer.routes().Post(R"(/webhook/azuracast/([a-z0-9-]+))", [&](const httplib::Request& req, httplib::Response& res) {
    if (stall) peer.stall(1.0);
    std::lock_guard lk(mu);
    got.push_back(req);
    res.status = 202;
  });
  peer.start();
  const std::string backed = owned_by(0, "radio"), plain = owned_by(0, "talk");
  BackupRelay relay(
      Cluster{Shard{0, 2}, peer.url("")}, [&](const std::string& id) { return id == backed; }, 3);
  relay.pass_on(request("POST", webhook_body("x", "One"), "Bearer t0k"), backed, "/webhook/azuracast/" + backed);
  relay.pass_on(request("POST", webhook_body("x", "Two"), "Bearer t0k"), plain, "/webhook/azuracast/" + plain);  // no backup
  auto relayed = request("POST", webhook_body("x", "Three"), "Bearer t0k");
  relayed.set_header(kBackupHeader, "1");
  relay.pass_on(relayed, backed, "/webhook/azuracast/" + backed);  // a relay is never relayed again
  REQUIRE(wait_for([&] { return relay.stats().sent == 1; }, 5));
  {
    std::lock_guard lk(mu);
    REQUIRE(got.size() == 1);
    CHECK(got[0].path == "/webhook/azuracast/" + backed);
    CHECK(got[0].get_header_value(kBackupHeader) == "1");
    CHECK(got[0].get_header_value(kForwardedHeader) == "0");
    CHECK(got[0].get_header_value("Authorization") == "Bearer t0k");
    CHECK(got[0].body == webhook_body("x", "One"));
  }
  CHECK(relay.stats().queued == 1);

  // A backup replica that hangs: the caller never waits; a full queue drops its oldest.
  stall = true;
  const auto t0 = Clock::now();
  for (int i = 0; i < 8; ++i)
    relay.pass_on(request("POST", webhook_body("x", "S" + std::to_string(i)), ""), backed, "/webhook/azuracast/" + backed);
  CHECK(Clock::now() - t0 < std::chrono::milliseconds(200));
  const auto s = relay.stats();
  CHECK(s.queued == 9);
  CHECK(s.dropped >= 4);  // 8 pushed, at most 1 in flight and 3 queued
  CHECK(s.dropped <= 5);
  stall = false;
  REQUIRE(wait_for([&] { return relay.stats().sent + relay.stats().dropped == 9; }, 10));
  std::lock_guard lk(mu);
  CHECK(got.back().body == webhook_body("x", "S7"));  // the newest always gets through
}

namespace {
// One replica of two: its own streams and the backup publications it runs, each a fake.
struct Replica {
  Replica(int index, int port, const std::string& config) {
    auto doc = split_streams_document(config);
    REQUIRE(doc);
    AppConfig base;
    base.engine.loop = "a.mp4";
    const Shard shard{index, 2};
    auto launch = [this](const std::string& role) {
      return [this, role](const StreamSpec& s) -> Result<std::shared_ptr<Stream>> {
        std::lock_guard lk(mu);
        auto ctl = std::make_shared<FakeController>();
        ctl->snapshot.stream = s.id;
        fakes[role + "/" + s.id] = ctl;
        return std::make_shared<Stream>(s.id, ctl);
      };
    };
    streams = std::make_unique<Streams>(
        Streams::Options{base, *doc, "", {}, launch("own"), [shard](const StreamSpec& s) { return shard.owns(s.id); }});
    backups = std::make_unique<Streams>(Streams::Options{
        base, *doc, "", {}, launch("backup"), [shard](const StreamSpec& s) { return s.backup && shard.backup(s.id) == shard.index; }});
    REQUIRE(streams->load());
    REQUIRE(backups->load());
    ControlConfig cfg;
    cfg.http_bind = fmt::format("127.0.0.1{}", index);
    cfg.http_port = port;
    cfg.api_token = "admin-token";
    server = std::make_unique<HttpServer>(*streams, cfg);
    server->set_cluster(Cluster{shard, fmt::format("http://127.0.0.1{{index}}:{}", port)}, backups.get());
    REQUIRE(server->start());
    client = std::make_unique<httplib::Client>(cfg.http_bind, port);
    client->set_read_timeout(5, 0);
  }
  std::shared_ptr<FakeController> fake(const std::string& key) {
    std::lock_guard lk(mu);
    return fakes[key];
  }
  std::mutex mu;
  std::map<std::string, std::shared_ptr<FakeController>> fakes;
  std::unique_ptr<Streams> streams, backups;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
};

size_t tracks_of(const std::shared_ptr<FakeController>& f) {
  std::lock_guard lk(f->mu);
  return f->tracks.size();
}

std::string last_title(const std::shared_ptr<FakeController>& f) {
  std::lock_guard lk(f->mu);
  return f->tracks.empty() ? "" : f->tracks.back().title;
}
}  // namespace

TEST_CASE("backup relay: a webhook or a track request reaches both publications, from either replica — authenticated, never bounced") {
  const int port = loopcast::test::free_tcp_port();
  REQUIRE(port > 0);
  const std::string jazz = owned_by(0, "jazz"), talk = owned_by(1, "talk");  // jazz: owner 0, backup on 1
  const std::string config = fmt::format(R"({{"streams": [
      {{"id": "{}", "output": "j.flv", "station": "jazz_fm", "backup": true, "backup_output": "j-b.flv"}},
      {{"id": "{}", "output": "t.flv", "station": "talk_fm"}}]}})",
                                         jazz, talk);
  Replica r0(0, port, config), r1(1, port, config);
  const httplib::Headers admin{{"Authorization", "Bearer admin-token"}};
  REQUIRE(r0.fake("own/" + jazz));
  REQUIRE(r1.fake("backup/" + jazz));
  CHECK_FALSE(r0.fake("backup/" + talk));  // talk has no backup

  // Sent to the owner by station: both publications get the song.
  auto hook = r0.client->Post("/webhook/azuracast", admin, webhook_body("jazz_fm", "One"), "application/json");
  REQUIRE(hook);
  CHECK_MESSAGE(hook->status == 202, hook->body);
  CHECK(last_title(r0.fake("own/" + jazz)) == "One");
  CHECK(wait_for([&] { return last_title(r1.fake("backup/" + jazz)) == "One"; }, 5));
  // Sent to the other replica: forwarded to the owner, which relays it back to the backup.
  auto via_r1 = r1.client->Post("/webhook/azuracast/" + jazz, admin, webhook_body("jazz_fm", "Two"), "application/json");
  REQUIRE(via_r1);
  CHECK_MESSAGE(via_r1->status == 202, via_r1->body);
  CHECK(via_r1->get_header_value("X-Loopcast-Replica") == "0");
  CHECK(wait_for([&] { return last_title(r1.fake("backup/" + jazz)) == "Two"; }, 5));
  // A track request too.
  auto track = r1.client->Post("/api/v1/streams/" + jazz + "/track", admin, R"({"artist": "A", "title": "Three"})", "application/json");
  REQUIRE(track);
  CHECK_MESSAGE(track->status == 202, track->body);
  CHECK(wait_for([&] { return last_title(r1.fake("backup/" + jazz)) == "Three"; }, 5));

  // Never bounced: each request acted once on each publication.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(tracks_of(r0.fake("own/" + jazz)) == 3);
  CHECK(tracks_of(r1.fake("backup/" + jazz)) == 3);
  CHECK(tracks_of(r1.fake("own/" + talk)) == 0);

  // The relay marker opens nothing: without credentials it is refused like any request.
  auto forged = r1.client->Post("/webhook/azuracast/" + jazz, httplib::Headers{{kBackupHeader, "1"}, {kForwardedHeader, "0"}},
                                webhook_body("jazz_fm", "Forged"), "application/json");
  REQUIRE(forged);
  CHECK(forged->status == 401);
  auto forged_track = r1.client->Post("/api/v1/streams/" + jazz + "/track", httplib::Headers{{kBackupHeader, "1"}, {kForwardedHeader, "0"}},
                                      R"({"loop": "x"})", "application/json");
  REQUIRE(forged_track);
  CHECK(forged_track->status == 401);
  CHECK(tracks_of(r1.fake("backup/" + jazz)) == 3);
  // A relay for a stream this replica publishes no backup of: 404, after the credentials.
  auto none = r0.client->Post("/webhook/azuracast/" + talk, httplib::Headers{{"Authorization", "Bearer admin-token"}, {kBackupHeader, "1"}},
                              webhook_body("talk_fm", "X"), "application/json");
  REQUIRE(none);
  CHECK_MESSAGE(none->status == 404, none->body);
}

TEST_CASE("cluster api: a sharded replica refuses PUT and DELETE of a stream with 409 naming the ConfigMap, and its other routes still act") {
  const int port = loopcast::test::free_tcp_port();
  REQUIRE(port > 0);
  const std::string jazz = owned_by(0, "jazz"), talk = owned_by(1, "talk"), fresh = owned_by(0, "new");
  const std::string config =
      fmt::format(R"({{"streams": [{{"id": "{}", "output": "j.flv"}}, {{"id": "{}", "output": "t.flv"}}]}})", jazz, talk);
  Replica r0(0, port, config);  // replica 1 is not running: nothing may be forwarded to it
  const httplib::Headers admin{{"Authorization", "Bearer admin-token"}};
  for (const std::string& id : {fresh, jazz, talk}) {
    CAPTURE(id);
    auto put = r0.client->Put("/api/v1/streams/" + id, admin, R"({"output": "n.flv"})", "application/json");
    REQUIRE(put);
    CHECK(put->status == 409);
    CHECK(put->body.find("ConfigMap loopcast-streams, key loopcast.json") != std::string::npos);
    CHECK(put->get_header_value("X-Loopcast-Replica").empty());  // answered here, not forwarded
    auto del = r0.client->Delete("/api/v1/streams/" + id, admin);
    REQUIRE(del);
    CHECK(del->status == 409);
    CHECK(del->body.find("declared in the streams config") != std::string::npos);
    CHECK(r0.client->Put("/api/v1/streams/" + id, R"({"output": "n.flv"})", "application/json")->status == 401);  // credentials first
  }
  CHECK(r0.streams->ids() == std::vector<std::string>{jazz});
  auto track = r0.client->Post("/api/v1/streams/" + jazz + "/track", admin, R"({"artist": "A", "title": "On"})", "application/json");
  REQUIRE(track);
  CHECK(track->status == 202);
  CHECK(last_title(r0.fake("own/" + jazz)) == "On");
}
