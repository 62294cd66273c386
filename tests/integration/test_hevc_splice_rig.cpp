// HEVC at splice cost (issue 28): `loopcast prepare --codec hevc` encodes the loops once with
// libx265, and a splice stream to HLS copies them through wraps and two switches: one VPS/SPS/PPS
// for the whole stream (every loop cached with the same pinned x265 settings), keyframes every
// 2 s, timestamps monotonic, the picture a → b → a, each segment decodable on its own. And splice
// with outputs' own profiles (one cache per profile, mixed codecs): every rendition switches.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "base/av.hpp"
#include "tests/integration/hls_segments.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/integration/switch_checks.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast;
using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

namespace {
// Every distinct VPS, SPS and PPS in the video packets of an MPEG-TS file (Annex B), by NAL type.
std::map<int, std::set<std::string>> parameter_sets_in(const std::string& ts) {
  std::map<int, std::set<std::string>> out;
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, ts.c_str(), nullptr, nullptr) < 0) return out;
  InputPtr in(raw);
  avformat_find_stream_info(in.get(), nullptr);
  const int v = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  PacketPtr pkt = make_packet();
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == v) {
      const std::string d(reinterpret_cast<const char*>(pkt->data), static_cast<size_t>(pkt->size));
      for (size_t at = d.find(std::string("\0\0\1", 3)); at != std::string::npos;) {
        const size_t begin = at + 3, next = d.find(std::string("\0\0\1", 3), begin);
        std::string nal = d.substr(begin, next == std::string::npos ? std::string::npos : next - begin);
        while (!nal.empty() && nal.back() == '\0') nal.pop_back();
        if (!nal.empty()) {
          const int type = (static_cast<uint8_t>(nal[0]) >> 1) & 0x3f;
          if (type >= 32 && type <= 34) out[type].insert(nal);
        }
        at = next;
      }
    }
    av_packet_unref(pkt.get());
  }
  return out;
}
}  // namespace

TEST_CASE("HEVC splice: prepared once with x265, spliced to HLS through wraps and switches with one codec configuration") {
  Rig rig;
  const TempDir tmp("hevc-splice");
  const std::string cache = tmp.path + "/cache", dir = tmp.path + "/hls";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> profile{"--codec", "hevc", "--size", "320x180", "--vbitrate", "300k", "--cache-dir", cache};
  prepare_loops(rig.loops_dir(), profile, tmp.path + "/prepare.log");

  const int port = free_tcp_port();
  std::vector<std::string> args{
      "--video-mode", "splice",     "--loop",     "a.mp4", "--loops-dir", rig.loops_dir(),      "--audio",     rig.icecast_url(),
      "--output",     "hls:" + dir, "--duration", "20",    "--http-port", std::to_string(port), "--api-token", "t0k-hevc"};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  const auto on_air = Clock::now();
  CHECK(lc.log().find("hevc @30 fps video (spliced from cache)") != std::string::npos);

  const AbaSwitches sw = switch_b_then_a(cli, "t0k-hevc", on_air);  // a (wrapping at 10 s) → b → a
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());

  // The whole stream: the segments in order (the playlist keeps the last 6, the directory too), each
  // decodable alone; the window (the last ~12 s) holds both switches.
  const auto segs = hls_segments(dir);
  REQUIRE(segs.size() >= 5);
  for (const auto& [n, path] : segs) {
    const auto alone = run_cmd("ffmpeg -hide_banner -nostdin -v error -xerror -i " + shell_quote(path) + " -f null - 2>&1");
    CHECK_MESSAGE(alone.code == 0, path << ": " << alone.output);
  }
  const std::string all = tmp.path + "/all.ts";
  join_hls_segments(dir, all);
  auto rep = probe_media(all, true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->video.codec == "hevc");
  CHECK(rep->video.width == 320);
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);

  // One codec configuration: the in-band parameter sets of every keyframe, across both loops, are one.
  const auto sets = parameter_sets_in(all);
  for (int type : {32, 33, 34}) {
    CAPTURE(type);
    REQUIRE(sets.count(type) == 1);
    CHECK(sets.at(type).size() == 1);
  }

  // The picture: b after its switch, then a again (the window starts inside the first a).
  auto ta = loop_thumbs(rig.loop_a(), 320, 180, 300);
  auto tb = loop_thumbs(rig.loop_b(), 320, 180, 300);
  REQUIRE(ta);
  REQUIRE(tb);
  const auto runs = loop_runs(*rep, {*ta, *tb});
  MESSAGE("b asked " << sw.b.asked << " seen " << sw.b.seen << ", a asked " << sw.a.asked << " seen " << sw.a.seen);
  REQUIRE(runs.size() >= 2);
  CHECK(runs[runs.size() - 2].first == 1);
  CHECK(runs.back().first == 0);
}

TEST_CASE("splice with outputs' own profiles: each loop cached per profile, every rendition switches a -> b at its own clean cut") {
  Rig rig;
  const TempDir tmp("profile-splice");
  const std::string cache = tmp.path + "/cache", dir = tmp.path + "/hls", big = tmp.path + "/big.flv", small = tmp.path + "/small.flv";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> outputs{
      "--output", big, "--output", small + "#size=160x90&vbitrate=150k", "--output", "hls:" + dir + "#codec=hevc"};
  std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "300k", "--cache-dir", cache};
  profile.insert(profile.end(), outputs.begin(), outputs.end());  // prepare builds what the outputs take
  prepare_loops(rig.loops_dir(), profile, tmp.path + "/prepare.log");
  CHECK(std::distance(std::filesystem::directory_iterator(cache), std::filesystem::directory_iterator{}) == 6);  // 2 loops x 3

  const int port = free_tcp_port();
  std::vector<std::string> args{"--video-mode",  "splice",     "--loop", "a.mp4",       "--loops-dir",
                                rig.loops_dir(), "--duration", "12",     "--http-port", std::to_string(port),
                                "--api-token",   "t0k-hevc"};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  CHECK_MESSAGE(lc.log().find("on air: 320x180 300 kb/s h264 + 160x90 150 kb/s h264 + 320x180 300 kb/s hevc @30 fps video (spliced "
                              "from cache)") != std::string::npos,
                lc.log());
  std::this_thread::sleep_for(std::chrono::seconds(5));
  REQUIRE(switch_loop(cli, "t0k-hevc", "b"));
  REQUIRE(wait_for([&] { return status(cli)["switches"].GetUint64() == 1; }, 10));
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());

  const std::string all = tmp.path + "/all.ts";
  REQUIRE(join_hls_segments(dir, all) >= 3);
  struct Rendition {
    std::string file, codec;
    int w, h;
  };
  std::vector<double> b_on;
  for (const Rendition& r : {Rendition{big, "h264", 320, 180}, Rendition{small, "h264", 160, 90}, Rendition{all, "hevc", 320, 180}}) {
    CAPTURE(r.file);
    auto rep = probe_media(r.file, true, false);
    REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
    CHECK(rep->video.codec == r.codec);
    CHECK(rep->video.width == r.w);
    CHECK(rep->video.height == r.h);
    CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
    CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
    CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
    auto ta = loop_thumbs(rig.loop_a(), r.w, r.h, 300);
    auto tb = loop_thumbs(rig.loop_b(), r.w, r.h, 300);
    REQUIRE(ta);
    REQUIRE(tb);
    const auto runs = loop_runs(*rep, {*ta, *tb});
    REQUIRE(runs.size() == 2);  // a, then b: every output switched
    CHECK(runs[0].first == 0);
    CHECK(runs[1].first == 1);
    if (r.file != all) b_on.push_back(runs[1].second - runs[0].second);  // (the HLS window starts later)
  }
  // Each rendition cuts at its own clean point: within the B-frame depth (3 frames) of the others.
  REQUIRE(b_on.size() == 2);
  CHECK(std::abs(b_on[0] - b_on[1]) <= 3.0 / 30 + 0.002);
}
