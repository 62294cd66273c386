// Channels on the real rig: several streams in one loopcast, each failing and recovering on its
// own while its neighbours' recordings stay one clean session.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "base/atomic_file.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/stalling_file_server.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {
rapidjson::Document stream_status(httplib::Client& cli, const std::string& id) {
  rapidjson::Document d;
  auto r = cli.Get("/api/v1/streams/" + id + "/status");
  d.Parse(r && r->status == 200 ? r->body.c_str() : "{}");
  return d;
}

// A count from a stream's status that the test asserts on: a failed request or a missing field fails
// the test (it must never read as 0).
uint64_t counter(httplib::Client& cli, const std::string& id, const char* field) {
  auto r = cli.Get("/api/v1/streams/" + id + "/status");
  REQUIRE_MESSAGE(r, "GET status of " << id << ": " << httplib::to_string(r.error()));
  REQUIRE_MESSAGE(r->status == 200, "GET status of " << id << ": " << r->status << " " << r->body);
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  REQUIRE_MESSAGE((d.IsObject() && d.HasMember(field) && d[field].IsUint64()), id << " status has no " << field << ": " << r->body);
  return d[field].GetUint64();
}

bool on_air(httplib::Client& cli, const std::string& id) {
  auto d = stream_status(cli, id);
  return d.IsObject() && d.HasMember("state") && d["state"] == "running" && d["video_frames"].GetUint64() > 0 && d["outputs"].Size() == 1 &&
         d["outputs"][0]["state"] == "live";
}

std::string output_state(httplib::Client& cli, const std::string& id) {
  auto d = stream_status(cli, id);
  return d.IsObject() && d.HasMember("outputs") && d["outputs"].Size() == 1 ? str(d["outputs"][0]["state"]) : "";
}

std::string audio_state(httplib::Client& cli, const std::string& id) {
  auto d = stream_status(cli, id);
  return d.IsObject() && d.HasMember("audio") ? str(d["audio"]["state"]) : "";
}

// The recordings of one stream name (nginx-rtmp's record_unique names them NAME-TIME.flv).
std::vector<std::string> recordings_of(const Rig& rig, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& r : rig.recordings())
    if (std::filesystem::path(r).filename().string().rfind(name + "-", 0) == 0) out.push_back(r);
  return out;
}

// One session about `seconds` long with monotonic timestamps, clean to decode, and no frame left
// out but the few a loaded machine's encoder may drop to keep real time (at most 1 in 50, never a
// stall of half a second): a neighbour's trouble shows as seconds missing or a second session.
void check_one_clean_session(const Rig& rig, const std::string& name, double seconds) {
  CAPTURE(name);
  const auto recs = recordings_of(rig, name);
  REQUIRE(recs.size() == 1);
  auto rep = probe_media(recs[0], true);
  REQUIRE_MESSAGE(rep, rep.error());
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK_MESSAGE(rep->audio.decode_errors == 0, rep->audio.first_decode_error);
  const auto gap = missing_frames(rep->video, 30);
  REQUIRE_MESSAGE(gap, "a DTS step is not a whole number of frames");
  CHECK_MESSAGE(*gap * 50 <= static_cast<int64_t>(rep->video.dts.size()), *gap << " frames missing of " << rep->video.dts.size());
  CHECK(rep->video.max_dts_gap < 0.5);
  CHECK(rep->duration == doctest::Approx(seconds).epsilon(0.05));
}

std::string write_config(const std::string& dir, const std::string& body) {
  const std::string path = dir + "/channels.json";
  REQUIRE(loopcast::write_file_atomic(path, body));
  return path;
}
}  // namespace

TEST_CASE("three channels: one loses its ingest, one its station, the third never notices") {
  Rig rig_a, rig_b;  // ing publishes to A; sta and calm to B. sta listens to B's station, the others to A's
  TempDir dir("loopcast-channels");
  const int port = free_tcp_port();
  const std::string config = write_config(dir.path, fmt::format(R"({{
    "http_port": {}, "loop": "{}", "size": "320x180", "vbitrate": "300k", "io_timeout": 3, "duration": 30,
    "streams": [
      {{"id": "ing", "audio": "{}", "output": "{}"}},
      {{"id": "sta", "audio": "{}", "output": "{}"}},
      {{"id": "calm", "audio": "{}", "output": "{}", "loop": "{}"}}]}})",
      port, rig_a.loop_a(), rig_a.icecast_url(), rig_a.rtmp_url("ing"), rig_b.icecast_url(), rig_b.rtmp_url("sta"), rig_a.icecast_url(),
      rig_b.rtmp_url("calm"), rig_b.loop_b()));
  Loopcast lc({"--config", config});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return on_air(cli, "ing") && on_air(cli, "sta") && on_air(cli, "calm"); }, 20), lc.log());
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(4));
  rig_a.stop_nginx();     // ing's ingest
  rig_b.stop_icecast();   // sta's station
  CHECK(wait_for([&] { return output_state(cli, "ing") == "reconnecting"; }, 8));
  CHECK(wait_for([&] { return audio_state(cli, "sta") == "reconnecting"; }, 8));
  // Meanwhile the others are untouched.
  CHECK(output_state(cli, "sta") == "live");
  CHECK(audio_state(cli, "ing") == "connected");
  CHECK(output_state(cli, "calm") == "live");
  CHECK(audio_state(cli, "calm") == "connected");
  std::this_thread::sleep_until(t0 + std::chrono::seconds(14));
  rig_a.start_nginx();
  rig_b.start_icecast();
  CHECK(wait_for([&] { return output_state(cli, "ing") == "live"; }, 12));
  CHECK(wait_for([&] { return audio_state(cli, "sta") == "connected"; }, 12));
  for (const char* id : {"ing", "sta", "calm"}) {
    CAPTURE(id);
    CHECK(counter(cli, id, "restarts") == 0);  // each recovered inside its own pipeline
    CHECK(str(stream_status(cli, id)["stream"]) == id);
  }
  // calm's drops (if any) are the encoder's to keep real time, as many as its recording misses.
  REQUIRE_MESSAGE(lc.wait(40) == 0, lc.log());
  CHECK(rig_a.wait_recordings_closed());
  CHECK(rig_b.wait_recordings_closed());

  check_one_clean_session(rig_b, "calm", 30);
  check_one_clean_session(rig_b, "sta", 30);  // a station outage never reaches the output
  CHECK(recordings_of(rig_a, "ing").size() == 2);  // before and after its ingest came back
}

TEST_CASE("a stalled loop trips one channel's watchdog: that stream restarts, its neighbour runs on") {
  Rig rig;
  TempDir dir("loopcast-channels-wd");
  const std::string clip = dir.path + "/loop.mp4";
  REQUIRE(run_cmd("ffmpeg -v error -f lavfi -i testsrc2=s=320x180:r=30:d=2 -c:v libx264 -g 30 -movflags +faststart " + shell_quote(clip)).code == 0);
  StallingFileServer files(read_text(clip));
  const int port = free_tcp_port();
  const std::string config = write_config(dir.path, fmt::format(R"({{
    "http_port": {}, "size": "320x180", "vbitrate": "300k", "audio": "{}", "watchdog": 3,
    "streams": [
      {{"id": "calm", "loop": "{}", "output": "{}"}},
      {{"id": "wd", "loop": "{}", "output": "{}"}}]}})",
      port, rig.music(), rig.loop_a(), rig.rtmp_url("calm"), files.url(), rig.rtmp_url("wd")));
  Loopcast lc({"--config", config});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return on_air(cli, "calm") && stream_status(cli, "wd")["video_frames"].GetUint64() > 60; }, 20), lc.log());
  files.arm();
  REQUIRE_MESSAGE(wait_for([&] {
    auto d = stream_status(cli, "wd");
    return d.IsObject() && d["restarts"].GetUint64() == 1 && d["state"] == "running" && d["video_frames"].GetUint64() > 60;
  }, 25), lc.log());
  CHECK(counter(cli, "calm", "restarts") == 0);
  const uint64_t calm_dropped = counter(cli, "calm", "dropped_frames");
  CHECK(lc.terminate() == 0);
  CHECK(rig.wait_recordings_closed());
  CHECK(recordings_of(rig, "wd").size() == 2);
  const auto calm = recordings_of(rig, "calm");
  REQUIRE(calm.size() == 1);
  auto rep = probe_media(calm[0]);
  REQUIRE(rep);
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  const auto gap = missing_frames(rep->video, 30);
  REQUIRE_MESSAGE(gap, "a DTS step is not a whole number of frames");
  CHECK(static_cast<uint64_t>(*gap) >= calm_dropped);  // (a few more may drop between the status read and the stop)
  CHECK_MESSAGE(*gap * 50 <= static_cast<int64_t>(rep->video.dts.size()), *gap << " frames missing of " << rep->video.dts.size());
  CHECK(rep->video.max_dts_gap < 0.5);  // the neighbour's watchdog never stalled calm
}

TEST_CASE("streams added and deleted at run time, persisted to a writable config") {
  Rig rig;
  TempDir dir("loopcast-channels-put");
  const int port = free_tcp_port();
  const std::string config = write_config(dir.path, fmt::format(R"({{"http_port": {}, "loop": "{}", "size": "320x180", "vbitrate": "300k",
    "control_dir": "{}", "streams": [{{"id": "one", "output": "{}"}}]}})", port, rig.loop_a(), dir.path + "/ctl", rig.rtmp_url("one")));
  Loopcast lc({"--config", config});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return on_air(cli, "one"); }, 15), lc.log());
  auto r = cli.Put("/api/v1/streams/two", fmt::format(R"({{"output": "{}"}})", rig.rtmp_url("two")), "application/json");
  REQUIRE(r);
  CHECK_MESSAGE(r->status == 201, r->body);
  CHECK(r->body.find("\"persisted\":true") != std::string::npos);
  CHECK(wait_for([&] { return on_air(cli, "two"); }, 15));
  CHECK(read_text(config).find("\"id\":\"two\"") != std::string::npos);
  // Per-stream files, and the root files stay the first stream's.
  CHECK(wait_for([&] { return read_text(dir.path + "/ctl/two/status.json").find("\"stream\":\"two\"") != std::string::npos; }, 5));
  CHECK(wait_for([&] { return read_text(dir.path + "/ctl/status.json").find("\"stream\":\"one\"") != std::string::npos; }, 5));
  // A bad replacement is refused and the running one keeps running.
  r = cli.Put("/api/v1/streams/two", R"({"output": "x.flv", "vbitrate": "1"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body.find("stream 'two': vbitrate") != std::string::npos);
  CHECK(on_air(cli, "two"));
  r = cli.Delete("/api/v1/streams/two");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(read_text(config).find("\"id\":\"two\"") == std::string::npos);
  CHECK(cli.Get("/api/v1/streams/two/status")->status == 404);
  CHECK(on_air(cli, "one"));
  CHECK(lc.terminate() == 0);
  CHECK(rig.wait_recordings_closed());
  CHECK(recordings_of(rig, "one").size() == 1);
  CHECK(recordings_of(rig, "two").size() == 1);  // stopped cleanly: one closed session
}
