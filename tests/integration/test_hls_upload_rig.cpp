// HLS uploaded to an ingest (issue 28: YouTube's HLS ingest), against nginx's WebDAV standing in for
// YouTube on loopback: every segment and the playlist arrive by PUT, decode clean, follow one
// another without a gap across a song switch and across an ingest outage (the server stopped for
// seconds: the status says so, uploads resume, the segments queued meanwhile arrive), while the
// RTMP output beside it stays one unbroken session. And the same over TLS: verified with --ca-file,
// refused for a certificate nobody vouches for.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/dav_server.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/tls_proxy.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {
// The segments uploaded into `dir`, by number ("index<N>.ts").
std::map<int64_t, std::string> segments_in(const std::string& dir) {
  std::map<int64_t, std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("index", 0) == 0 && ends_with(name, ".ts")) out[std::stoll(name.substr(5, name.size() - 8))] = e.path().string();
  }
  return out;
}

// The segments, in order, as one MPEG-TS stream (they come from one muxer: concatenation is the stream).
std::string concatenate(const std::map<int64_t, std::string>& segs, const std::string& out) {
  std::ofstream o(out, std::ios::binary);
  for (const auto& [n, path] : segs) o << std::ifstream(path, std::ios::binary).rdbuf();
  return out;
}

const rapidjson::Value& output_of(const rapidjson::Document& d, unsigned i) { return d["outputs"][i]; }
}  // namespace

TEST_CASE("hls upload: segments PUT to a WebDAV ingest decode without a gap across a switch and an outage, RTMP beside it unbroken") {
  Rig rig;
  DavServer dav;
  TempDir work("loopcast-hls-upload");
  const std::string key = "upload-key-4711-abcd";
  const std::string dir = dav.root() + "/ingest/" + key;
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("upload-beside"),
               "--output", "hls+" + dav.url("/ingest/" + key + "/"), "--http-port", std::to_string(port), "--size", "640x360",
               "--vbitrate", "600k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());
  REQUIRE_MESSAGE(wait_for([&] { return std::filesystem::exists(dir + "/index.m3u8"); }, 10), lc.log() << dav.access_log());
  auto d = status(cli);
  CHECK(str(output_of(d, 1)["state"]) == "live");
  CHECK(str(output_of(d, 1)["url"]) == "hls+" + dav.url("/ingest/****/"));

  // The song changes at 6 s of media; the ingest goes away at 10 s for 6 s.
  REQUIRE(wait_for([&] { return media_time(cli) >= 6; }, 15));
  const double b_asked = media_time(cli);
  auto t = cli.Post("/api/v1/track", R"({"loop":"b.mp4"})", "application/json");
  REQUIRE(t);
  CHECK(t->status == 202);
  REQUIRE(wait_for([&] { return media_time(cli) >= 10; }, 10));
  dav.stop();
  const auto outage_start = Clock::now();
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["outputs"][1]["state"]) == "reconnecting"; }, 8), lc.log());
  d = status(cli);
  const std::string error = str(output_of(d, 1)["last_error"]);
  CHECK_MESSAGE(error.find("Could not establish connection") != std::string::npos, error);
  CHECK(error.find(key) == std::string::npos);
  CHECK(str(output_of(d, 0)["state"]) == "live");  // RTMP does not notice
  std::this_thread::sleep_until(outage_start + std::chrono::seconds(6));
  CHECK(output_of(status(cli), 1)["backlog_seconds"].GetDouble() >= 2);  // segments wait for the ingest
  dav.start();
  auto resumed = [&] {
    auto s = status(cli);
    return str(s["outputs"][1]["state"]) == "live" && s["outputs"][1]["reconnects"].GetInt() >= 1;
  };
  REQUIRE_MESSAGE(wait_for(resumed, 10), lc.log());
  REQUIRE(wait_for([&] { return media_time(cli) >= 26; }, 15));
  const double stopped_at = media_time(cli);
  const std::string body = cli.Get("/api/v1/status")->body;
  CHECK(body.find(key) == std::string::npos);
  auto stop = cli.Post("/api/v1/stream/stop", "", "application/json");
  REQUIRE(stop);
  REQUIRE_MESSAGE(lc.terminate(15) == 0, lc.log());
  CHECK(lc.log().find(key) == std::string::npos);
  CHECK(lc.log().find("uploads resumed") != std::string::npos);

  // The last playlist ends the stream; every segment from the first to the last is there, numbered
  // without a hole, each 1 to 4 s as YouTube asks.
  const std::string playlist = read_text(dir + "/index.m3u8");
  CHECK_MESSAGE(playlist.find("#EXT-X-ENDLIST") != std::string::npos, playlist);
  CHECK(playlist.find("#EXT-X-INDEPENDENT-SEGMENTS") != std::string::npos);
  const auto segs = segments_in(dir);
  REQUIRE(segs.size() >= 10);
  CHECK(segs.rbegin()->first - segs.begin()->first + 1 == static_cast<int64_t>(segs.size()));
  // Each segment before the playlist that names it: the server never saw a playlist run ahead.
  const std::string log = dav.access_log();
  for (const auto& [n, path] : segs) {
    const auto put = log.find("PUT /ingest/" + key + "/index" + std::to_string(n) + ".ts 201");
    CHECK_MESSAGE(put != std::string::npos, n);
  }
  // The playlist as a player reads it decodes with -xerror.
  const auto xerror = run_cmd("ffmpeg -hide_banner -nostdin -v error -xerror -i " + shell_quote(dir + "/index.m3u8") + " -f null - 2>&1");
  CHECK_MESSAGE(xerror.code == 0, xerror.output);

  // All of it: one timeline, decodable, loop a then loop b, nothing missing the log did not own up to.
  auto rep = probe_media(concatenate(segs, work.path + "/all.ts"), true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->video.codec == "h264");
  CHECK(rep->audio.codec == "aac");
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK(rep->video.end - rep->video.start > stopped_at - 1.5);
  check_gaps_are_reported(rep->video, lc.log());
  auto ta = loop_thumbs(rig.loop_a(), 640, 360, 300);
  auto tb = loop_thumbs(rig.loop_b(), 640, 360, 300);
  REQUIRE(ta);
  REQUIRE(tb);
  const auto runs = loop_runs(*rep, {*ta, *tb});
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].first == 0);
  CHECK(runs[1].first == 1);
  const double b_on = runs[1].second - rep->video.start;
  CHECK(b_on >= b_asked - 0.5);
  CHECK(b_on <= b_asked + 3);

  // RTMP beside it: one session, the whole stream, while the upload went down and came back.
  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);
  auto flv = probe_media(recs[0], false, false);
  REQUIRE_MESSAGE(flv, (flv ? "" : flv.error()));
  CHECK(flv->duration == doctest::Approx(rep->video.end - rep->video.start).epsilon(0.05));
  CHECK_MESSAGE(flv->video.dts_monotonic, flv->video.first_violation);
  check_gaps_are_reported(flv->video, lc.log());
}

TEST_CASE("hls upload over TLS: a server whose certificate --ca-file vouches for gets the files, one nobody vouches for gets nothing") {
  DavServer dav;
  TempDir work("loopcast-hls-upload-tls");
  TestCerts certs(work.path);
  TlsProxy good(certs, "localhost", dav.port());
  TlsProxy evil(certs, "evil", dav.port());
  const int port = free_tcp_port();
  Loopcast lc({"--loop", fixture("loop_1s_30fps.mkv"), "--output", "hls+https://localhost:" + std::to_string(good.port) + "/tls/good/",
               "--output", "hls+https://localhost:" + std::to_string(evil.port) + "/tls/evil/", "--ca-file", certs.ca(), "--http-port",
               std::to_string(port), "--size", "320x180", "--vbitrate", "300k", "--duration", "7"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["outputs"][1]["state"]) == "reconnecting"; }, 10), lc.log());
  const std::string error = str(status(cli)["outputs"][1]["last_error"]);
  CHECK_MESSAGE(error.find("SSL server verification failed") != std::string::npos, error);
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  CHECK(std::filesystem::exists(dav.root() + "/tls/good/index.m3u8"));
  CHECK(segments_in(dav.root() + "/tls/good").size() >= 3);
  CHECK_FALSE(std::filesystem::exists(dav.root() + "/tls/evil"));
}
