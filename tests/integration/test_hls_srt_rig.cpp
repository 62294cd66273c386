// Outputs beyond RTMP (issue 28), on real peers on loopback: an `hls:DIR` output read live by a
// real HLS client (the ffmpeg CLI as a test tool) over loopcast's own /live/ route, beside an RTMP
// output from the same encode; an SRT output called into srt-live-transmit, beside an SRT peer
// that never answers and an RTMP output it must not disturb.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {
constexpr int kListSize = 6;  // engine/output/output_kind.hpp kHlsListSize

struct Playlist {
  int64_t sequence = -1;
  std::vector<std::string> segments;
  std::vector<double> durations;
  bool endlist = false, independent = false, dated = false;
  int target = 0;
};

Playlist parse_playlist(const std::string& text) {
  Playlist p;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#EXT-X-MEDIA-SEQUENCE:", 0) == 0) p.sequence = std::stoll(line.substr(22));
    else if (line.rfind("#EXT-X-TARGETDURATION:", 0) == 0) p.target = std::stoi(line.substr(22));
    else if (line.rfind("#EXTINF:", 0) == 0) p.durations.push_back(std::stod(line.substr(8)));
    else if (line == "#EXT-X-ENDLIST") p.endlist = true;
    else if (line == "#EXT-X-INDEPENDENT-SEGMENTS") p.independent = true;
    else if (line.rfind("#EXT-X-PROGRAM-DATE-TIME:", 0) == 0) p.dated = true;
    else if (!line.empty() && line[0] != '#') p.segments.push_back(line);
  }
  return p;
}

// Segment files in the directory, finished or being written (.tmp).
int segment_files(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    n += name.find(".ts") != std::string::npos;
  }
  return n;
}

std::string raw_get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}
}  // namespace

TEST_CASE("hls output: a live client reads it over /live/, beside RTMP from the same encode, with the song switch in the picture") {
  Rig rig;
  TempDir hls("loopcast-hls");
  TempDir work("loopcast-hls-client");
  const int port = free_tcp_port();
  const int seconds = 20;
  // No --duration: the stream is stopped through the API, so the server stays up while the client,
  // a segment or two behind the live edge like any player, reads the end of the playlist.
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("hls-beside"),
               "--output", "hls:" + hls.path, "--http-port", std::to_string(port), "--size", "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());

  // The first segment is cut after 2 s: then the playlist is served, with the headers a player on
  // the station's site needs.
  httplib::Result first;
  REQUIRE_MESSAGE(wait_for([&] { return (first = cli.Get("/live/main/index.m3u8")) && first->status == 200; }, 10), lc.log());
  CHECK(first->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(first->get_header_value("Content-Type") == "application/vnd.apple.mpegurl");
  CHECK(first->get_header_value("Cache-Control") == "no-cache");
  const Playlist p0 = parse_playlist(first->body);
  REQUIRE(!p0.segments.empty());
  auto seg = cli.Get("/live/main/" + p0.segments.front());
  REQUIRE(seg);
  CHECK(seg->status == 200);
  CHECK(seg->get_header_value("Content-Type") == "video/mp2t");
  CHECK(seg->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(seg->body.size() > 1000);
  CHECK(static_cast<unsigned char>(seg->body[0]) == 0x47);  // an MPEG-TS sync byte

  // A real live client from the first listed segment to #EXT-X-ENDLIST, copying what it gets.
  const std::string rec = work.path + "/hls.ts";
  KilledAtExit client(spawn({"ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-live_start_index", "0", "-i",
                             "http://127.0.0.1:" + std::to_string(port) + "/live/main/index.m3u8", "-c", "copy", "-f", "mpegts", rec},
                            work.path + "/client.log"));

  // Only the playlist and its segments are reachable, whatever the path says.
  std::filesystem::create_directories(hls.path + "/sub");
  { std::ofstream(hls.path + "/secret.txt") << "not for the web"; }
  for (const char* path : {"/live/main/..%2F..%2Fetc%2Fpasswd", "/live/main/%2e%2e%2fsecret.txt", "/live/main/secret.txt",
                           "/live/..%2Fmain/index.m3u8", "/live/main/sub%2Findex.m3u8", "/live/main/index.m3u8.tmp", "/live/main/index1.ts",
                           "/live/main/../main/index.m3u8", "/live/MAIN/index.m3u8"}) {
    const RawReply r = raw_request(port, raw_get(path));
    CHECK_MESSAGE(r.status == 404, path << " → " << r.status);
    CHECK_MESSAGE(r.body.find("not for the web") == std::string::npos, path);
  }
  auto other = cli.Get("/live/other/index.m3u8");
  REQUIRE(other);
  CHECK(other->status == 404);
  CHECK(other->body.find("no HLS output") != std::string::npos);

  // The window rolls while the stream runs: numbers go up, names follow them, old files go.
  int max_files = 0;
  int64_t first_sequence = p0.sequence, last_sequence = p0.sequence;
  bool switched = false, stopped = false;
  double b_asked = 0, stopped_at = 0;
  const auto until = Clock::now() + std::chrono::seconds(seconds + 15);
  while (Clock::now() < until) {
    max_files = std::max(max_files, segment_files(hls.path));
    if (auto r = cli.Get("/live/main/index.m3u8"); r && r->status == 200) {
      const Playlist p = parse_playlist(r->body);
      CHECK(p.sequence >= last_sequence);
      last_sequence = std::max(last_sequence, p.sequence);
      CHECK(p.segments.size() <= static_cast<size_t>(kListSize));
      for (size_t i = 0; i < p.segments.size(); ++i)
        CHECK_MESSAGE(p.segments[i] == "index" + std::to_string(p.sequence + static_cast<int64_t>(i)) + ".ts", r->body);
      if (p.endlist) break;
    }
    if (!switched && media_time(cli) >= 8) {  // the song changes: the picture must change in the HLS output too
      b_asked = media_time(cli);
      auto t = cli.Post("/api/v1/track", R"({"loop":"b.mp4"})", "application/json");
      REQUIRE(t);
      CHECK(t->status == 202);
      switched = true;
    }
    if (!stopped && media_time(cli) >= seconds) {
      stopped_at = media_time(cli);
      auto t = cli.Post("/api/v1/stream/stop", "", "application/json");
      REQUIRE(t);
      CHECK(t->status == 200);
      stopped = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  REQUIRE(switched);
  REQUIRE(stopped);
  CHECK_MESSAGE(wait_exit(client.pid, 30) == 0, read_text(work.path + "/client.log"));  // it read up to #EXT-X-ENDLIST
  client.pid = -1;
  REQUIRE_MESSAGE(lc.terminate() == 0, lc.log());

  // Old segments were deleted: ~10 were cut, the directory never held more than the window, the
  // one segment kept past it for late readers, and the one being written.
  const Playlist last = parse_playlist(read_text(hls.path + "/index.m3u8"));
  CHECK(last.endlist);
  CHECK(last.independent);
  CHECK(last.dated);
  CHECK(last.sequence + static_cast<int64_t>(last.segments.size()) - first_sequence >= 9);
  CHECK(max_files <= kListSize + 2);
  CHECK(segment_files(hls.path) <= kListSize + 2);
  // Cut on the 2 s keyframes; the switch's IDR restarts the GOP, so one segment may run up to the
  // next keyframe past the 2 s grid (and the target duration is rounded up to cover it).
  double longest = 0;
  for (size_t i = 0; i + 1 < last.durations.size(); ++i) {
    CHECK(last.durations[i] >= 1.94);
    CHECK(last.durations[i] <= 4.0);
    longest = std::max(longest, last.durations[i]);
  }
  CHECK(last.target >= 2);
  CHECK(last.target >= longest - 0.5);

  // What the client saw: H.264 + AAC, one continuous timeline across every segment, decodable,
  // loop a then loop b on a keyframe.
  auto rep = probe_media(rec, true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->video.codec == "h264");
  CHECK(rep->audio.codec == "aac");
  CHECK(rep->video.width == 640);
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK(rep->video.end - rep->video.start > stopped_at - 1.5);  // from the first segment to the last
  check_gaps_are_reported(rep->video, lc.log());  // no segment skipped: only frames the pipeline owned up to are missing
  auto ta = loop_thumbs(rig.loop_a(), 640, 360, 300);
  auto tb = loop_thumbs(rig.loop_b(), 640, 360, 300);
  REQUIRE(ta);
  REQUIRE(tb);
  const auto runs = loop_runs(*rep, {*ta, *tb});
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].first == 0);
  CHECK(runs[1].first == 1);
  const double b_on = runs[1].second - rep->video.start;
  MESSAGE("b asked at " << b_asked << " s of media, on air in the HLS output at " << b_on << " s");
  CHECK(b_on >= b_asked - 0.5);
  CHECK(b_on <= b_asked + 3);
  CHECK_MESSAGE(keyframe_near(rep->video, runs[1].second, 0.05), "the switch at " << runs[1].second << " is not on a keyframe");

  // The RTMP output beside it: one clean session of the same stream.
  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);
  auto flv = probe_media(recs[0], false, false);
  REQUIRE_MESSAGE(flv, (flv ? "" : flv.error()));
  CHECK(flv->duration == doctest::Approx(rep->video.end - rep->video.start).epsilon(0.05));  // the same stream, start to stop
  CHECK_MESSAGE(flv->video.dts_monotonic, flv->video.first_violation);
}

TEST_CASE("hls output in splice mode: the cached loop's packets are segmented and served the same way") {
  Rig rig;
  TempDir tmp("loopcast-hls-splice");
  const std::string loops = tmp.path + "/loops", dir = tmp.path + "/hls";
  std::filesystem::create_directories(loops);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(rig.loop_a(), loops + "/a.mp4");
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "300k", "--cache-dir", tmp.path + "/cache"};
  prepare_loops(loops, profile, tmp.path + "/prepare.log");

  const int port = free_tcp_port();
  std::vector<std::string> args{"--video-mode", "splice", "--loop", "a.mp4", "--loops-dir", loops, "--audio", rig.icecast_url(), "--output",
                                "hls:" + dir, "--duration", "10", "--http-port", std::to_string(port)};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  CHECK(str(status(cli)["video_mode"]) == "splice");
  REQUIRE_MESSAGE(wait_for([&] { auto r = cli.Get("/live/main/index.m3u8"); return r && r->status == 200; }, 10), lc.log());
  const std::string rec = tmp.path + "/hls.ts";
  KilledAtExit client(spawn({"ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-live_start_index", "0", "-i",
                             "http://127.0.0.1:" + std::to_string(port) + "/live/main/index.m3u8", "-c", "copy", "-f", "mpegts", rec},
                            tmp.path + "/client.log"));
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  CHECK(wait_exit(client.pid, 20) == 0);
  client.pid = -1;
  auto d = parse_playlist(read_text(dir + "/index.m3u8"));
  CHECK(d.endlist);
  for (size_t i = 0; i + 1 < d.durations.size(); ++i) CHECK(d.durations[i] == doctest::Approx(2.0).epsilon(0.03));  // the cache's 2 s GOPs

  auto rep = probe_media(rec, true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()) << read_text(tmp.path + "/client.log"));
  CHECK(rep->video.codec == "h264");
  CHECK(rep->audio.codec == "aac");
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK(rep->video.end - rep->video.start > 7.5);
  check_gaps_are_reported(rep->video, lc.log());
}

TEST_CASE("srt output: srt-live-transmit receives a clean stream, an SRT peer that never answers is retried, RTMP beside both unharmed") {
  Rig rig;
  TempDir work("loopcast-srt");
  const int srt_port = free_tcp_port(), dead_port = free_tcp_port(), port = free_tcp_port();
  const std::string pass = "srt-pass-phrase-4711", rec = work.path + "/srt.ts";
  // The receiving server: a listener that writes what it gets to a file.
  KilledAtExit receiver(spawn({"sh", "-c",
                               "exec srt-live-transmit -q \"srt://:" + std::to_string(srt_port) + "?mode=listener&passphrase=" + pass +
                                   "\" file://con > " + shell_quote(rec)},
                              work.path + "/receiver.log"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int seconds = 12;
  Loopcast lc({"--loop", rig.loop_a(), "--audio", rig.icecast_url(), "--output", rig.rtmp_url("srt-beside"), "--output",
               "srt://127.0.0.1:" + std::to_string(srt_port) + "?passphrase=" + pass + "&latency=200000", "--output",
               "srt://127.0.0.1:" + std::to_string(dead_port) + "?passphrase=" + pass + "-dead", "--duration", std::to_string(seconds),
               "--http-port", std::to_string(port), "--size", "640x360", "--vbitrate", "600k"});
  auto cli = api(port);
  auto out = [&](unsigned i, const char* key) {
    auto d = status(cli);
    return d.IsObject() && d["outputs"].IsArray() && d["outputs"].Size() == 3 ? str(d["outputs"][i][key]) : "";
  };
  REQUIRE_MESSAGE(wait_for([&] { return out(0, "state") == "live" && out(1, "state") == "live"; }, 15), lc.log());
  // SRT calls time out after 3 s each: the dead peer is retried with the same backoff as RTMP.
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["outputs"][2]["attempt"].GetInt() >= 2; }, 12), lc.log());
  auto d = status(cli);
  const std::string body = cli.Get("/api/v1/status")->body;
  CHECK(body.find(pass) == std::string::npos);  // every passphrase redacted in status
  CHECK(str(d["outputs"][1]["url"]).find("passphrase=****") != std::string::npos);
  CHECK(str(d["outputs"][2]["state"]) == "reconnecting");
  CHECK_MESSAGE(str(d["outputs"][2]["last_error"]).find("SRT call not answered or rejected") != std::string::npos, body);
  CHECK(d["outputs"][0]["reconnects"].GetInt() == 0);
  CHECK(d["outputs"][1]["reconnects"].GetInt() == 0);
  CHECK(d["outputs"][1]["bytes"].GetUint64() > 0);
  // This stream has no HLS output: nothing under /live/.
  auto none = cli.Get("/live/main/index.m3u8");
  REQUIRE(none);
  CHECK(none->status == 404);
  CHECK(none->body.find("no HLS output") != std::string::npos);

  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  CHECK(lc.log().find(pass) == std::string::npos);  // nor in any log line, libav's included
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the listener writes out its last packets
  stop_process(receiver.pid, 3);
  receiver.pid = -1;

  auto rep = probe_media(rec, true, true);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()) << read_text(work.path + "/receiver.log"));
  CHECK(rep->video.codec == "h264");
  CHECK(rep->audio.codec == "aac");
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK(rep->video.end - rep->video.start == doctest::Approx(seconds).epsilon(0.05));  // the last second too (linger)
  check_gaps_are_reported(rep->video, lc.log());

  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // the RTMP ingest saw one session: the SRT outputs cost it nothing
  auto flv = probe_media(recs[0], false, true);
  REQUIRE_MESSAGE(flv, (flv ? "" : flv.error()));
  CHECK(flv->duration == doctest::Approx(seconds).epsilon(0.05));
  CHECK_MESSAGE(flv->video.dts_monotonic, flv->video.first_violation);
  check_gaps_are_reported(flv->video, lc.log());
}
