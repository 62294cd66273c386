#include "tests/support/rig.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tests/support/proc.hpp"

namespace loopcast::test {
namespace fs = std::filesystem;

namespace {
std::string rig_source() {
  if (const char* env = std::getenv("LOOPCAST_RIG_DIR")) return env;
  return fs::weakly_canonical(fs::path(LOOPCAST_SOURCE_DIR) / ".." / "shared" / "rig").string();
}

// Generating the 720p loops and the music takes ~15 s: do it once per machine, then copy.
void seed_from_cache(const std::string& dir) {
  const std::string cache = "/tmp/loopcast-rig-cache";
  fs::create_directories(cache + "/loops");
  fs::create_directories(dir + "/loops");
  for (const char* f : {"loops/a.mp4", "loops/b.mp4", "music.mp3"}) {
    const fs::path cached = fs::path(cache) / f;
    if (fs::exists(cached)) fs::copy_file(cached, fs::path(dir) / f, fs::copy_options::overwrite_existing);
  }
}

void fill_cache(const std::string& dir) {
  const std::string cache = "/tmp/loopcast-rig-cache";
  for (const char* f : {"loops/a.mp4", "loops/b.mp4", "music.mp3"}) {
    const fs::path cached = fs::path(cache) / f;
    if (!fs::exists(cached) && fs::exists(fs::path(dir) / f)) fs::copy_file(fs::path(dir) / f, cached);
  }
}

bool tcp_open(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}
}  // namespace

Rig::Rig() : rig_src_(rig_source()), dir_(make_temp_dir("loopcast-rig")) {
  rtmp_port_ = free_tcp_port();
  while (ice_port_ == 0 || ice_port_ == rtmp_port_ || ice_port_ == rtmp_port_ + 1) ice_port_ = free_tcp_port();
  // icecast2 and nginx's worker drop to nobody: they must be able to reach into the rig dir.
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  seed_from_cache(dir_);
  // up.sh's last step (curl -m 2 on an endless stream) exits non-zero by design under set -e, so
  // its exit code says nothing: readiness is checked below.
  auto r = run_cmd(fmt::format("bash '{}/up.sh' '{}' {} {}", rig_src_, dir_, rtmp_port_, ice_port_));
  if (!fs::exists(dir_ + "/loops/b.mp4") || !fs::exists(dir_ + "/music.mp3")) throw std::runtime_error("rig up.sh failed: " + r.output);
  fill_cache(dir_);
  if (!wait_for([&] { return tcp_open(rtmp_port_); }, 10)) throw std::runtime_error("nginx-rtmp did not come up: " + read_text(dir_ + "/nginx-error.log"));
  wait_icecast();
}

Rig::~Rig() {
  run_cmd(fmt::format("bash '{}/down.sh' '{}'", rig_src_, dir_));
  // The source client may have been restarted by start_icecast(): stop whatever runs from DIR.
  run_cmd(fmt::format("pkill -f '{}' ", dir_));
  if (!std::getenv("LOOPCAST_KEEP_RIG")) fs::remove_all(dir_);
}

void Rig::wait_icecast() const {
  const bool up = wait_for(
      [&] { return std::atol(run_cmd(fmt::format("curl -s -m 1 -o /dev/null -w '%{{size_download}}' {}", icecast_url())).output.c_str()) > 1000; }, 15,
      0.3);
  if (!up) throw std::runtime_error("icecast mount not serving: " + read_text(dir_ + "/source.out"));
}

std::string Rig::rtmp_url(const std::string& stream) const { return fmt::format("rtmp://127.0.0.1:{}/live/{}", rtmp_port_, stream); }
std::string Rig::icecast_url() const { return fmt::format("http://127.0.0.1:{}/radio.mp3", ice_port_); }

std::vector<std::string> Rig::recordings() const {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir_ + "/rec"))
    if (e.path().extension() == ".flv") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Rig::stat_xml() const { return run_cmd(fmt::format("curl -s -m 2 http://127.0.0.1:{}/stat", rtmp_port_ + 1)).output; }

void Rig::set_title(const std::string& artist_title) const {
  run_cmd(fmt::format("bash '{}/title.sh' '{}' {}", rig_src_, artist_title, ice_port_));
}

void Rig::stop_icecast() {
  run_cmd(fmt::format("kill $(cat '{0}/source.pid') $(cat '{0}/icecast.pid') 2>/dev/null; sleep 0.3", dir_));
}

void Rig::start_icecast() {
  // The same two commands up.sh runs.
  run_cmd(fmt::format("cd '{0}' && (icecast2 -c '{0}/icecast.xml' > '{0}/icecast.out' 2>&1 & echo $! > '{0}/icecast.pid')", dir_));
  wait_for([&] { return tcp_open(ice_port_); }, 10);
  run_cmd(fmt::format(
      "(ffmpeg -v error -re -stream_loop -1 -i '{0}/music.mp3' -c:a copy -content_type audio/mpeg -f mp3 "
      "'icecast://source:rigsource@127.0.0.1:{1}/radio.mp3' > '{0}/source.out' 2>&1 & echo $! > '{0}/source.pid')",
      dir_, ice_port_));
  wait_icecast();
}

void Rig::stop_nginx() {
  run_cmd(fmt::format("kill $(cat '{0}/nginx.pid') 2>/dev/null; sleep 0.5", dir_));
}

void Rig::start_nginx() {
  run_cmd(fmt::format("(nginx -c '{0}/nginx.conf' -p '{0}' > '{0}/nginx.out' 2>&1 & echo $! > '{0}/nginx.launch.pid')", dir_));
  wait_for([&] { return tcp_open(rtmp_port_); }, 10);
}

}  // namespace loopcast::test
