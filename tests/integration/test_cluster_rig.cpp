// Replicas on the rig (issue 23): three loopcast processes share six streams by rendezvous hashing
// (--shard i/3), each answering for the whole cluster (--peer-url on loopback addresses
// 127.0.0.10-12, one port). Each stream is published by its owner only (one recording session),
// its backup ingest by the next replica in its hash order; requests sent to replica 0 reach the
// owner; a webhook sent to any replica switches the loop on both the owner's publication and the
// backup's (the owner relays it); a stream's own token controls that stream only; PUT and DELETE of
// a stream are refused (streams are declared in the config); a dead replica's streams stay on
// their backup ingest and requests for them fail fast with 502 naming the owner.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/atomic_file.hpp"
#include "control/cluster/shard.hpp"
#include "control/config/stream_config.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {
constexpr int kReplicas = 3;
std::string host_of(int replica) { return "127.0.0.1" + std::to_string(replica); }  // 127.0.0.10..12

httplib::Client client(int replica, int port) {
  httplib::Client c(host_of(replica), port);
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(15, 0);
  return c;
}

// Two ids per replica, in a fixed order: the test needs a stream of every replica.
std::vector<std::string> pick_ids() {
  const loopcast::Shard shard{0, kReplicas};
  std::array<int, kReplicas> per{};
  std::vector<std::string> ids;
  for (int i = 0; ids.size() < 6; ++i) {
    const std::string id = "radio-" + std::to_string(i);
    if (per[shard.owner(id)] < 2) ++per[shard.owner(id)], ids.push_back(id);
  }
  return ids;
}

rapidjson::Document json_of(const httplib::Result& r) {
  rapidjson::Document d;
  d.Parse(r ? r->body.c_str() : "{}");
  if (!d.IsObject()) d.Parse("{}");
  return d;
}

std::vector<std::string> recordings_of(const Rig& rig, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& r : rig.recordings()) {
    const std::string file = std::filesystem::path(r).filename().string();
    if (file.rfind(name + "-", 0) == 0 && file.find_first_not_of("0123456789", name.size() + 1) == file.size() - 4) out.push_back(r);
  }
  return out;
}

// A replica's own view (its streams and shard), as a peer asks for it.
rapidjson::Document own_view(int replica, int port) {
  auto c = client(replica, port);
  return json_of(c.Get("/api/v1/streams", httplib::Headers{{"X-Loopcast-Forwarded", "test"}}));
}

std::string nowplaying(const std::string& title) {
  return R"({"station":{"shortcode":"x"},"now_playing":{"sh_id":7,"song":{"artist":"Air","title":")" + title + R"("}}})";
}
}  // namespace

TEST_CASE("cluster: three replicas share six streams, answer for each other, and keep backups on air") {
  Rig rig;
  TempDir dir("loopcast-cluster");
  const int port = free_tcp_port();
  const auto ids = pick_ids();
  const loopcast::Shard shard{0, kReplicas};
  std::string entries;
  for (const auto& id : ids)
    entries += fmt::format(R"({}{{"id": "{}", "output": "{}", "backup": true, "backup_output": "{}"}})", entries.empty() ? "" : ",\n", id,
                           rig.rtmp_url("k-" + id), rig.rtmp_url("k-" + id + "-b"));
  const std::string config = dir.path + "/cluster.json", mapping = dir.path + "/mapping.json";
  REQUIRE(loopcast::write_file_atomic(mapping,
                                      R"({"default": "sunset.mp4", "rules": [{"title": "Cherry Blossom Girl", "loop": "ocean.mp4"}]})"));
  REQUIRE(loopcast::write_file_atomic(config, fmt::format(R"({{"loops_dir": "{}", "loop": "sunset.mp4", "size": "320x180", "fps": 15,
    "vbitrate": "200k", "abitrate": "64k", "mapping": "{}", "streams": [{}]}})",
                                                          std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops", mapping, entries)));
  // The streams of replica 2 and of replica 1, each with its own token (from the environment, as a
  // Kubernetes Secret gives it).
  std::map<int, std::vector<std::string>> owned;
  for (const auto& id : ids) owned[shard.owner(id)].push_back(id);
  const std::string r2 = owned[2][0], r1 = owned[1][0];
  const EnvVars env{{"LOOPCAST_API_TOKEN", "admin-token"},
                    {loopcast::stream_env_name("API_TOKEN", r2), "token-of-r2"},
                    {loopcast::stream_env_name("API_TOKEN", r1), "token-of-r1"}};
  std::vector<std::unique_ptr<Loopcast>> replicas;
  for (int i = 0; i < kReplicas; ++i)
    replicas.push_back(std::make_unique<Loopcast>(
        std::vector<std::string>{"--config", config, "--shard", fmt::format("{}/{}", i, kReplicas), "--http-bind", host_of(i), "--http-port",
                                 std::to_string(port), "--peer-url", fmt::format("http://127.0.0.1{{index}}:{}", port)},
        dir.path + fmt::format("/replica-{}.log", i), env));
  auto logs = [&] { return replicas[0]->log() + replicas[1]->log() + replicas[2]->log(); };

  // Replica 0 lists the whole cluster: every stream once, running, on its owner.
  auto r0 = client(0, port);
  auto all_running = [&] {
    auto d = json_of(r0.Get("/api/v1/streams"));
    if (!d.HasMember("streams") || d["streams"].Size() != ids.size()) return false;
    for (const auto& s : d["streams"].GetArray())
      if (s["state"] != "running" || s["outputs_live"].GetUint64() != 1 || s["replica"].GetInt() != shard.owner(str(s["id"]))) return false;
    return true;
  };
  REQUIRE_MESSAGE(wait_for(all_running, 30, 0.2), logs());
  {
    auto d = own_view(2, port);  // replica 2's own view
    REQUIRE(d.HasMember("shard"));
    CHECK(d["shard"]["index"].GetInt() == 2);
    CHECK(d["shard"]["count"].GetInt() == 3);
    CHECK(d["shard"]["owned"].Size() == 2);
    CHECK(d["streams"].Size() == 2);
  }

  // A webhook sent to replica 0 for a stream of replica 2 acts there, and replica 2 relays it to
  // the stream's backup publication; one sent to replica 1 for a stream of replica 0 likewise.
  const std::string r0_stream = owned[0][0];
  auto hook = r0.Post("/webhook/azuracast/" + r2, httplib::Headers{{"Authorization", "Bearer token-of-r2"}}, nowplaying("Cherry Blossom Girl"), "application/json");
  REQUIRE(hook);
  CHECK_MESSAGE(hook->status == 202, hook->body);
  CHECK(hook->get_header_value("X-Loopcast-Replica") == "2");
  auto r1_client = client(1, port);
  auto hook0 = r1_client.Post("/webhook/azuracast/" + r0_stream, httplib::Headers{{"Authorization", "Bearer admin-token"}},
                              nowplaying("Cherry Blossom Girl"), "application/json");
  REQUIRE(hook0);
  CHECK_MESSAGE(hook0->status == 202, hook0->body);
  CHECK(hook0->get_header_value("X-Loopcast-Replica") == "0");
  CHECK(wait_for([&] { return json_of(r0.Get("/api/v1/streams/" + r2 + "/status"))["track"]["text"] == "Air - Cherry Blossom Girl"; }, 5));
  // Both publications of both streams go to ocean (status), and stay there a while to be recorded.
  auto on_ocean = [&](const rapidjson::Value& v) {
    return v.IsString() && std::string(v.GetString()).find("ocean.mp4") != std::string::npos;
  };
  auto backup_loop_is_ocean = [&](const std::string& id) {
    auto d = own_view(shard.backup(id), port);
    if (!d.HasMember("shard")) return false;
    for (const auto& b : d["shard"]["backups"].GetArray())
      if (b["id"] == id.c_str()) return on_ocean(b["loop"]);
    return false;
  };
  for (const auto& id : {r2, r0_stream}) {
    CAPTURE(id);
    CHECK_MESSAGE(wait_for([&] { return on_ocean(json_of(r0.Get("/api/v1/streams/" + id + "/status"))["loop"]); }, 10), logs());
    CHECK_MESSAGE(wait_for([&] { return backup_loop_is_ocean(id); }, 10), logs());
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));

  // Streams are declared in the config every replica reads: PUT and DELETE are refused, whichever
  // replica owns the id, without asking it.
  std::string new_id;
  for (int i = 0; new_id.empty(); ++i)
    if (shard.owner("new-" + std::to_string(i)) == 2) new_id = "new-" + std::to_string(i);
  auto put = r0.Put("/api/v1/streams/" + new_id, httplib::Headers{{"Authorization", "Bearer admin-token"}},
                    fmt::format(R"({{"output": "{}", "loop": "ocean.mp4"}})", dir.path + "/new.flv"), "application/json");
  REQUIRE(put);
  CHECK_MESSAGE(put->status == 409, put->body);
  CHECK(put->body.find("ConfigMap loopcast-streams") != std::string::npos);
  auto del = r0.Delete("/api/v1/streams/" + r2, httplib::Headers{{"Authorization", "Bearer admin-token"}});
  REQUIRE(del);
  CHECK_MESSAGE(del->status == 409, del->body);
  CHECK(own_view(2, port)["shard"]["owned"].Size() == 2);

  // A stream's token controls that stream only, on whichever replica the request lands.
  auto other = r0.Post("/api/v1/streams/" + r1 + "/stop", httplib::Headers{{"Authorization", "Bearer token-of-r2"}}, "", "application/json");
  REQUIRE(other);
  CHECK(other->status == 401);
  auto admin_only = r0.Put("/api/v1/streams/" + ids[0], httplib::Headers{{"Authorization", "Bearer token-of-r2"}}, "{}", "application/json");
  REQUIRE(admin_only);
  CHECK(admin_only->status == 401);  // credentials before the 409
  auto own = r0.Post("/api/v1/streams/" + r2 + "/track", httplib::Headers{{"Authorization", "Bearer token-of-r2"}}, R"({"loop": "ocean"})", "application/json");
  REQUIRE(own);
  CHECK_MESSAGE(own->status == 202, own->body);
  // Event streams are redirected to the owner, not proxied.
  auto quick = client(0, port);
  quick.set_read_timeout(3, 0);  // were it proxied, the event stream would never end
  auto sse = quick.Get("/api/v1/streams/" + r2 + "/events");
  REQUIRE(sse);
  CHECK(sse->status == 307);
  CHECK(sse->get_header_value("Location") == fmt::format("http://127.0.0.12:{}/api/v1/streams/{}/events", port, r2));

  // Replica 2 dies: requests for its streams fail fast with 502 naming it; its streams' backup
  // publications, run by the others, go on.
  replicas[2]->wait(0);
  send_signal(replicas[2]->pid, SIGKILL);
  REQUIRE(replicas[2]->wait(5) >= 0);
  const auto asked = Clock::now();
  auto gone = r0.Get("/api/v1/streams/" + r2 + "/status");
  REQUIRE(gone);
  CHECK(gone->status == 502);
  CHECK(gone->body.find("replica 2") != std::string::npos);
  CHECK(Clock::now() - asked < std::chrono::seconds(5));
  for (const auto& id : owned[2]) {
    const int backup = shard.backup(id);
    REQUIRE(backup != 2);
    auto d = own_view(backup, port);
    bool live = false;
    for (const auto& b : d["shard"]["backups"].GetArray()) live |= b["id"] == id.c_str() && b["outputs_live"].GetUint64() == 1;
    CHECK_MESSAGE(live, id << " has no live backup on replica " << backup);
  }
  const auto before = rig.stat_xml();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (const auto& id : owned[2]) CHECK_MESSAGE(rig.stat_xml().find("<name>k-" + id + "-b</name>") != std::string::npos, before);

  // SIGTERM stops every stream of a replica cleanly: exit 0, each recording one session.
  for (int i = 0; i < 2; ++i) CHECK_MESSAGE(replicas[i]->terminate(15) == 0, replicas[i]->log());
  REQUIRE(rig.wait_recordings_closed(15));
  for (const auto& id : ids) {
    CAPTURE(id);
    CHECK(recordings_of(rig, "k-" + id).size() == 1);         // published by its owner only, one session
    CHECK(recordings_of(rig, "k-" + id + "-b").size() == 1);  // and its backup by one other replica
  }
  // The webhooks' switch is in both recordings of both streams: sunset, then ocean to the end.
  const std::string loops = std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops";
  auto sunset = loopcast::test::loop_thumbs(loops + "/sunset.mp4", 320, 180, 240);
  auto ocean = loopcast::test::loop_thumbs(loops + "/ocean.mp4", 320, 180, 240);
  REQUIRE(sunset);
  REQUIRE(ocean);
  for (const auto& name : {"k-" + r2, "k-" + r2 + "-b", "k-" + r0_stream, "k-" + r0_stream + "-b"}) {
    CAPTURE(name);
    const auto files = recordings_of(rig, name);
    REQUIRE(files.size() == 1);
    auto rep = loopcast::test::probe_media(files[0], true, false);
    REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
    const auto runs = loopcast::test::loop_runs(*rep, {*sunset, *ocean});
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].first == 0);
    CHECK(runs[1].first == 1);
  }
}
