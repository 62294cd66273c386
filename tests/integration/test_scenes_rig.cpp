// Issue 15 on the real rig: the audio visualiser moves with the music the viewers hear (checked
// against the recording's own audio) and lies flat during silence; the cover-art scene shows the
// webhook's cover, in encode mode and spliced (one still per song, encoded once).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/image_server.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/sequence_headers.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;

namespace {

// A stereo 16-bit WAV: `periods` times 3 s of a 1 kHz tone at 0.9 full scale, then 3 s of silence.
void write_tone_gaps_wav(const std::string& path, int periods) {
  constexpr int kRate = 44100;
  std::vector<int16_t> pcm;
  for (int p = 0; p < periods; ++p)
    for (int i = 0; i < 6 * kRate; ++i) {
      const auto v = static_cast<int16_t>(i < 3 * kRate ? std::lround(0.9 * 32767 * std::sin(2 * M_PI * 1000 * i / kRate)) : 0);
      pcm.push_back(v);
      pcm.push_back(v);
    }
  auto u32 = [](std::ofstream& o, uint32_t v) { o.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](std::ofstream& o, uint16_t v) { o.write(reinterpret_cast<const char*>(&v), 2); };
  std::ofstream o(path, std::ios::binary);
  const auto bytes = static_cast<uint32_t>(pcm.size() * 2);
  o.write("RIFF", 4), u32(o, 36 + bytes), o.write("WAVEfmt ", 8), u32(o, 16), u16(o, 1), u16(o, 2);
  u32(o, kRate), u32(o, kRate * 4), u16(o, 4), u16(o, 16), o.write("data", 4), u32(o, bytes);
  o.write(reinterpret_cast<const char*>(pcm.data()), bytes);
}

// The thumbnail's bottom row of cells (80x45 px each at 640x360) lies in the 180 px bars region.
// The 1 kHz bar and its neighbours (bars 16..19 of 32) fall in cell 4 of that row.
int tone_cell(const Thumb& t) { return t[7 * 8 + 4]; }
int brightest_bottom_cell(const Thumb& t) { return *std::max_element(t.begin() + 56, t.end()); }
}  // namespace

TEST_CASE("the visualiser moves with the audio viewers hear and is flat during silence") {
  Rig rig;
  TempDir tmp("loopcast-vis");
  const std::string wav = tmp.path + "/tone_gaps.wav";
  write_tone_gaps_wav(wav, 1);  // played on a loop: 3 s tone, 3 s silence, ...
  // A red still loop (luma ~81) under white, opaque bars 180 px high at the bottom.
  Loopcast lc({"--loop", fixture("still.mp4"), "--audio", wav, "--output", rig.rtmp_url("vis"), "--duration", "14", "--http-port", "0",
               "--size", "640x360", "--vbitrate", "800k", "--visualizer", "bars", "--visualizer-height", "180", "--visualizer-opacity", "1"});
  REQUIRE_MESSAGE(lc.wait(40) == 0, lc.log());
  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);
  auto rep = probe_media(recs[0], /*decode_video=*/true, /*decode_audio=*/true);
  REQUIRE_MESSAGE(rep, rep.error());
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK_MESSAGE(rep->audio.decode_errors == 0, rep->audio.first_decode_error);
  REQUIRE(rep->thumbs.size() > 300);
  REQUIRE(rep->audio_rms.size() >= 12);

  // Each whole second of the recording that is all tone or all silence (by its own audio): the
  // frames of that second must show the 1 kHz bars up, or the red picture with a 2 px line.
  int tone_seconds = 0, silent_seconds = 0;
  for (size_t s = 0; s < rep->audio_rms.size(); ++s) {
    const double rms = rep->audio_rms[s];
    const bool tone = rms > 0.55, silent = rms < 0.01;  // a 0.9 sine has an RMS of 0.64
    if (!tone && !silent) continue;                      // a second with an edge in it
    tone_seconds += tone;
    silent_seconds += silent;
    int frames = 0, lit = 0, flat = 0;
    for (size_t i = 0; i < rep->thumbs.size(); ++i) {
      // (Frames at the very edges of the second may show the neighbour second's audio.)
      // audio_rms counts seconds from the first audio sample: second s starts at audio.start + s.
      const double t = rep->thumb_pts[i] - rep->audio.start - static_cast<double>(s);
      if (t < 0.1 || t >= 0.9) continue;
      ++frames;
      lit += tone_cell(rep->thumbs[i]) > 130;              // bars over half the cell (red is 81, white 235)
      flat += brightest_bottom_cell(rep->thumbs[i]) < 100;  // only the floor line: 2 of 45 rows
    }
    INFO("second " << s << " (audio from " << rep->audio.start << " s, video from " << rep->video.start << " s): rms " << rms << ", " << frames << " frames, " << lit << " lit, " << flat << " flat");
    CHECK(frames > 20);
    if (tone) CHECK(lit == frames);
    if (silent) CHECK(flat == frames);
  }
  CHECK(tone_seconds >= 3);
  CHECK(silent_seconds >= 3);
}

namespace {
std::string webhook(int sh_id, const std::string& title, const std::string& art) {
  return R"({"now_playing":{"sh_id":)" + std::to_string(sh_id) + R"(,"song":{"artist":"Air","title":")" + title +
         R"(","album":"Moon Safari","art":")" + art + R"("}},"is_online":true})";
}
// At 640x360 the scene's sharp cover is the 216 px square at x 36, y 72: thumbnail cells (80x45)
// of column 1, rows 2..5 lie inside it; cell (row 0, column 7) is background only.
bool shows_white_cover(const Thumb& t) {
  for (int row = 2; row <= 5; ++row)
    if (t[row * 8 + 1] < 215) return false;
  return t[7] > 95 && t[7] < 140;  // a white cover blurred and darkened: ~115
}
bool shows_red_loop(const Thumb& t) { return t[3 * 8 + 1] < 100 && t[7] < 100; }

// The webhook's cover scene on air from its song to the next, whose art fails (the default loop
// then): `extra` chooses the mode. Returns the one recording and the songs' stream times.
struct ArtRun {
  std::string recording;
  double asked1 = 0, asked2 = 0;
};
ArtRun run_art_scene(Rig& rig, const ImageServer& images, const std::string& key, const std::vector<std::string>& extra) {
  const int port = free_tcp_port();
  std::vector<std::string> args{"--loop",       fixture("still.mp4"),
                                "--audio",      rig.icecast_url(),
                                "--output",     rig.rtmp_url(key),
                                "--duration",   "12",
                                "--http-port",  std::to_string(port),
                                "--size",       "640x360",
                                "--vbitrate",   "800k",
                                "--background", "art"};
  args.insert(args.end(), extra.begin(), extra.end());
  Loopcast lc(args);
  auto cli = api(port);
  ArtRun run;
  REQUIRE_MESSAGE(wait_for([&] { return status(cli)["video_frames"].GetUint64() > 0; }, 15), lc.log());
  const auto on_air = std::chrono::steady_clock::now();
  // Sent at wall-clock offsets, judged in stream time (status output_seconds at each send).
  std::this_thread::sleep_until(on_air + std::chrono::seconds(3));
  run.asked1 = media_time(cli);
  auto r = cli.Post("/webhook/azuracast", webhook(1, "Sexy Boy", images.url("/white.png")), "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  CHECK(wait_for([&] { return str(status(cli)["loop"]) == "@art"; }, 4));
  std::this_thread::sleep_until(on_air + std::chrono::seconds(7));
  run.asked2 = media_time(cli);
  r = cli.Post("/webhook/azuracast", webhook(2, "Kelly Watch the Stars", images.url("/missing")), "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(lc.wait(20) == 0, lc.log());
  CHECK(lc.log().find("showing the default loop") != std::string::npos);
  CHECK(rig.wait_recordings_closed());
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one RTMP session throughout
  run.recording = recs[0];
  return run;
}

void check_art_scene(const ArtRun& run) {
  auto rep = probe_media(run.recording, /*decode_video=*/true, /*decode_audio=*/false);
  REQUIRE_MESSAGE(rep, rep.error());
  CHECK_MESSAGE(rep->video.decode_errors == 0, rep->video.first_decode_error);
  CHECK(rep->video.dts_monotonic);
  CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
  REQUIRE(rep->thumbs.size() > 300);
  size_t first = rep->thumbs.size(), last = 0, art = 0, red_before = 0, red_after = 0;
  for (size_t i = 0; i < rep->thumbs.size(); ++i)
    if (shows_white_cover(rep->thumbs[i])) {
      first = std::min(first, i);
      last = i;
      ++art;
    }
  REQUIRE_MESSAGE(art > 0, "the cover scene never appeared");
  for (size_t i = 0; i < rep->thumbs.size(); ++i) {
    if (i < first) red_before += shows_red_loop(rep->thumbs[i]);
    if (i > last) red_after += shows_red_loop(rep->thumbs[i]);
  }
  const double t0 = rep->thumb_pts[0];  // stream time 0: the first frame
  const double from = rep->thumb_pts[first] - t0, to = rep->thumb_pts[last] - t0;
  MESSAGE("cover shown " << from << " .. " << to << " s; webhooks at " << run.asked1 << " and " << run.asked2 << " s (stream time)");
  CHECK(art == last - first + 1);  // one unbroken run
  CHECK(from >= run.asked1 - 0.04);  // not before its webhook...
  CHECK(from < run.asked1 + 2.0);    // ...and promptly after it (the cross-fade included)
  CHECK(to >= run.asked2 - 0.5);     // for its song
  CHECK(to < run.asked2 + 2.0);
  CHECK(red_before > 40);          // the default loop before...
  CHECK(red_after > 40);           // ...and after: the song without reachable art
}
}  // namespace

TEST_CASE("background art: the webhook's cover fills the picture, a song whose art fails shows the default loop") {
  Rig rig;
  ImageServer images;
  check_art_scene(run_art_scene(rig, images, "artscene", {"--crossfade", "0.5"}));
}

TEST_CASE("background art in splice mode: each song's scene encoded once and spliced, one session and one sequence header") {
  Rig rig;
  ImageServer images;
  const TempDir tmp("artsplice");
  const std::vector<std::string> profile{"--size", "640x360", "--vbitrate", "800k", "--cache-dir", tmp.path + "/cache"};
  std::vector<std::string> prep{"--loop", fixture("still.mp4")};
  prep.insert(prep.end(), profile.begin(), profile.end());
  prepare_loops(tmp.path + "/no-loops", prep, tmp.path + "/prepare.log");
  const ArtRun run = run_art_scene(rig, images, "artsplice", {"--video-mode", "splice", "--cache-dir", tmp.path + "/cache"});
  check_art_scene(run);
  check_one_clean_sequence(run.recording);  // the scene carries the loops' SPS/PPS
  CHECK(std::filesystem::exists(tmp.path + "/cache/cards"));  // the scene's still, kept for the song's next play
}
