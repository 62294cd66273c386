#include "tests/support/rig.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "tests/support/proc.hpp"

namespace loopcast::test {
namespace fs = std::filesystem;

namespace {
const char* const kGenerated[] = {"loops/a.mp4", "loops/b.mp4", "music.mp3"};

// The rig ships with the repository (tests/rig); LOOPCAST_RIG_DIR may point at a modified copy.
std::string rig_source() {
  if (const char* env = std::getenv("LOOPCAST_RIG_DIR"); env && *env) return env;
  return (fs::path(LOOPCAST_SOURCE_DIR) / "tests" / "rig").string();
}

// nginx takes P (RTMP) and P+1 (stat); icecast a third port.
void pick_ports(int& rtmp, int& ice) {
  for (int tries = 0; tries < 50; ++tries) {
    rtmp = free_tcp_port();
    if (rtmp > 0 && rtmp < 65535 && tcp_port_free(rtmp + 1)) break;
  }
  do ice = free_tcp_port();
  while (ice == rtmp || ice == rtmp + 1);
}
}  // namespace

Rig::Rig() : rig_src_(rig_source()), dir_(make_temp_dir("loopcast-rig")) {
  try {
    if (!fs::exists(rig_src_ + "/up.sh")) throw std::runtime_error("no rig scripts in " + rig_src_ + " (set LOOPCAST_RIG_DIR)");
    pick_ports(rtmp_port_, ice_port_);
    // icecast2 and nginx's worker drop to nobody: they must be able to reach into the rig dir.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
    // up.sh makes the media (cached per user), starts both servers and waits until they serve.
    auto r = run_cmd(fmt::format("bash {} {} {} {}", shell_quote(rig_src_ + "/up.sh"), shell_quote(dir_), rtmp_port_, ice_port_));
    if (r.code != 0) throw std::runtime_error("rig up.sh failed: " + r.output);
    for (const char* f : kGenerated)
      if (!fs::exists(fs::path(dir_) / f)) throw std::runtime_error(fmt::format("rig up.sh made no {}: {}", f, r.output));
    if (!wait_for([&] { return tcp_connects(rtmp_port_) && tcp_connects(stat_port()); }, 10))
      throw std::runtime_error("nginx-rtmp did not come up: " + read_text(dir_ + "/nginx-error.log") + read_text(dir_ + "/nginx.out"));
    wait_icecast();
  } catch (...) {
    // No destructor runs for a half-built object: stop what up.sh started before giving up.
    down();
    if (!std::getenv("LOOPCAST_KEEP_RIG")) fs::remove_all(dir_);
    throw;
  }
}

Rig::~Rig() {
  down();
  if (!std::getenv("LOOPCAST_KEEP_RIG")) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void Rig::down() const {
  // down.sh kills by the pids in DIR/*.pid, which the restart helpers below keep up to date.
  run_cmd(fmt::format("bash {} {}", shell_quote(rig_src_ + "/down.sh"), shell_quote(dir_)));
  wait_for([&] { return !tcp_connects(rtmp_port_) && !tcp_connects(ice_port_); }, 5);
}

void Rig::wait_icecast() const {
  auto bytes = [&] {
    return std::atol(run_cmd(fmt::format("curl -s -m 1 -o /dev/null -w '%{{size_download}}' {}", icecast_url())).output.c_str());
  };
  if (!wait_for([&] { return bytes() > 1000; }, 15, 0.3))
    throw std::runtime_error("icecast mount not serving: " + read_text(dir_ + "/icecast.out") + read_text(dir_ + "/source.out"));
}

std::string Rig::rtmp_url(const std::string& stream) const { return fmt::format("rtmp://127.0.0.1:{}/live/{}", rtmp_port_, stream); }
std::string Rig::icecast_url() const { return fmt::format("http://127.0.0.1:{}/radio.mp3", ice_port_); }

std::vector<std::string> Rig::recordings() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_ + "/rec", ec))
    if (e.path().extension() == ".flv") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Rig::stat_xml() const { return run_cmd(fmt::format("curl -sf -m 2 http://127.0.0.1:{}/stat", stat_port())).output; }

bool Rig::wait_recordings_closed(double timeout_s) const {
  return wait_for([&] {
    const std::string xml = stat_xml();
    return xml.find("<rtmp>") != std::string::npos && xml.find("<publishing/>") == std::string::npos;
  }, timeout_s, 0.1);
}

bool Rig::set_title(const std::string& artist_title) const {
  return run_cmd(fmt::format("bash {} {} {}", shell_quote(rig_src_ + "/title.sh"), shell_quote(artist_title), ice_port_)).code == 0;
}

void Rig::stop_icecast() {
  run_cmd(fmt::format("kill $(cat {0}/source.pid {0}/icecast.pid) 2>/dev/null", shell_quote(dir_)));
  wait_for([&] { return !tcp_connects(ice_port_); }, 5);
}

void Rig::start_icecast() {
  // What up.sh runs for the station, recording the new pids where down.sh looks for them.
  const std::string d = shell_quote(dir_);
  run_cmd(fmt::format("icecast2 -c {0}/icecast.xml > {0}/icecast.out 2>&1 & echo $! > {0}/icecast.pid", d));
  wait_for([&] { return tcp_connects(ice_port_); }, 10);
  run_cmd(fmt::format("bash {} {} {}", shell_quote(rig_src_ + "/source.sh"), d, ice_port_));
  wait_icecast();
}

void Rig::stop_nginx() {
  run_cmd(fmt::format("kill $(cat {0}/nginx.pid {0}/nginx.launch.pid 2>/dev/null | sort -u) 2>/dev/null", shell_quote(dir_)));
  wait_for([&] { return !tcp_connects(rtmp_port_); }, 5);
}

void Rig::start_nginx() {
  const std::string d = shell_quote(dir_);
  run_cmd(fmt::format("nginx -c {0}/nginx.conf -p {0} > {0}/nginx.out 2>&1 & echo $! > {0}/nginx.launch.pid", d));
  if (!wait_for([&] { return tcp_connects(rtmp_port_); }, 10))
    throw std::runtime_error("nginx-rtmp did not come back: " + read_text(dir_ + "/nginx-error.log"));
}

}  // namespace loopcast::test
