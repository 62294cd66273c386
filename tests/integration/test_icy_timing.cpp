// Issue 26: an ICY title sits in the station's byte stream at the song change; the picture must
// change on the frame where that song's audio is heard (within one frame), not when the title is
// parsed (the jitter buffer's level earlier). A fake mount sends PCM WAV (bytes ↔ samples exactly)
// with icy-metaint set so the title's block sits exactly where a tone starts after silence.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"

using namespace loopcast::test;

namespace {
constexpr int kRate = 44100;
constexpr double kOnset = 4.0;  // seconds of silence, then the new song (a 1 kHz tone)

std::string le32(uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; }
std::string le16(uint16_t v) { return std::string{char(v), char(v >> 8)}; }

std::string wav_header() {
  return "RIFF" + le32(0xFFFFFFFF) + "WAVEfmt " + le32(16) + le16(1) + le16(2) + le32(kRate) + le32(kRate * 4) + le16(4) + le16(16) +
         "data" + le32(0xFFFFFFFF);
}

// Sample i of the station: silence, then the tone from kOnset on.
int16_t sample(int64_t i) {
  if (i < static_cast<int64_t>(kOnset * kRate)) return 0;
  return static_cast<int16_t>(16000 * std::sin(2 * M_PI * 1000 * static_cast<double>(i) / kRate));
}

// The mount: an ICY response with one metadata block, at the first sample of the tone; sent in real
// time (after a 1 s connect burst, as Icecast does) until the test ends.
struct IcyWavMount {
  IcyWavMount() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd, 4);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this] { serve(); });
  }
  ~IcyWavMount() {
    done = true;
    thread.join();
    close(fd);
  }
  void serve() {
    int c = -1;
    while (!done && c < 0) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) c = accept(fd, nullptr, nullptr);
    }
    if (c < 0) return;
    char buf[4096];
    (void)!read(c, buf, sizeof buf);
    const std::string head = wav_header();
    const int64_t metaint = static_cast<int64_t>(head.size()) + static_cast<int64_t>(kOnset * kRate) * 4;
    std::string reply = fmt::format("HTTP/1.0 200 OK\r\nContent-Type: audio/wav\r\nicy-metaint: {}\r\n\r\n", metaint) + head;
    std::string meta = "StreamTitle='Daft Punk - Onset';";
    meta.resize((meta.size() + 15) / 16 * 16, '\0');
    int64_t sent_body = static_cast<int64_t>(head.size()), next_sample = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (!done) {
      // Real time, ahead by 1 s (the connect burst).
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() + 1.0;
      std::string chunk = std::move(reply);
      reply.clear();
      while (next_sample < static_cast<int64_t>(t * kRate)) {
        if (sent_body == metaint) {
          chunk += static_cast<char>(meta.size() / 16);
          chunk += meta;
        } else if (sent_body > metaint && (sent_body - metaint) % metaint == 0) {
          chunk += '\0';  // later blocks: no change
        }
        const int16_t s = sample(next_sample++);
        chunk += le16(static_cast<uint16_t>(s)) + le16(static_cast<uint16_t>(s));
        sent_body += 4;
      }
      if (!chunk.empty() && send(c, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    close(c);
  }
  int fd = -1, port = 0;
  std::atomic<bool> done{false};
  std::thread thread;
};
}  // namespace

TEST_CASE("an ICY title switches the picture on the frame where its song is heard") {
  IcyWavMount mount;
  TempDir dir("loopcast-icy");
  const std::string fixtures = std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures";
  std::ofstream(dir.path + "/mapping.json") << R"({"default": "still.mp4", "rules": [{"artist": "Daft Punk", "loop": "green_rgb.mkv"}]})";
  Loopcast lc({"--loop", "still.mp4", "--loops-dir", fixtures, "--mapping", dir.path + "/mapping.json", "--audio",
               fmt::format("http://127.0.0.1:{}/radio.wav", mount.port), "--icy-switch", "--output", dir.path + "/out.flv", "--duration",
               "9", "--http-port", "0", "--size", "320x180", "--fps", "30"});
  REQUIRE_MESSAGE(lc.wait(40) == 0, lc.log());
  auto rep = probe_media(dir.path + "/out.flv", true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  // Where the tone starts in the recording's sound, and where the picture turns green.
  const std::string raw = dir.path + "/left.f32";
  REQUIRE(run_cmd(fmt::format("ffmpeg -v error -nostdin -y -i {} -map 0:a -af 'pan=mono|c0=c0' -f f32le {}",
                              shell_quote(dir.path + "/out.flv"), shell_quote(raw))).code == 0);
  std::ifstream f(raw, std::ios::binary | std::ios::ate);
  std::vector<float> x(static_cast<size_t>(f.tellg()) / sizeof(float));
  f.seekg(0);
  f.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
  double heard = -1;
  for (size_t i = 0; i < x.size(); ++i)
    if (std::fabs(x[i]) > 0.1) {
      heard = static_cast<double>(i) / kRate + rep->audio.start;
      break;
    }
  double shown = -1;
  for (size_t k = 0; k < rep->luma.size(); ++k)
    if (rep->luma[k] > 120) {
      shown = rep->thumb_pts[k];
      break;
    }
  REQUIRE_MESSAGE(heard > 0, lc.log());
  REQUIRE_MESSAGE(shown > 0, lc.log());
  MESSAGE(fmt::format("song heard at {:.3f} s, picture changed at {:.3f} s: {:+.1f} ms", heard, shown, (shown - heard) * 1000));
  CHECK(std::abs(shown - heard) <= 1.0 / 30 + 0.005);
}
