#include "tests/support/dav_server.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/proc.hpp"

namespace fs = std::filesystem;

namespace loopcast::test {

DavServer::DavServer() : dir_(make_temp_dir("loopcast-dav")), port_(free_tcp_port()) {
  // nginx's worker drops to nobody: it must write into dav/ and its temp dir.
  for (const char* sub : {"dav", "dav-tmp"}) {
    fs::create_directories(fs::path(dir_) / sub);
    fs::permissions(fs::path(dir_) / sub, fs::perms::all);
  }
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  std::ifstream in(fs::path(LOOPCAST_SOURCE_DIR) / "tests" / "rig" / "nginx-dav.conf");
  std::stringstream conf;
  conf << in.rdbuf();
  std::string text = conf.str();
  for (auto [from, to] : {std::pair<std::string, std::string>{"DIR", dir_}, {"PORT", std::to_string(port_)}})
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) text.replace(pos, from.size(), to);
  std::ofstream(dir_ + "/nginx-dav.conf") << text;
  start();
}

DavServer::~DavServer() { stop(); }

std::string DavServer::url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

std::string DavServer::access_log() const { return read_text(dir_ + "/dav-access.log"); }

void DavServer::start() {
  if (pid_ > 0) return;
  pid_ = spawn({"nginx", "-c", dir_ + "/nginx-dav.conf", "-p", dir_, "-e", dir_ + "/dav-error.log"}, dir_ + "/nginx.out");
  if (pid_ <= 0 || !wait_for([&] { return tcp_connects(port_); }, 10)) {
    stop();
    throw std::runtime_error("nginx (WebDAV) did not come up: " + read_text(dir_ + "/dav-error.log") + read_text(dir_ + "/nginx.out"));
  }
}

void DavServer::stop() {
  if (pid_ <= 0) return;
  stop_process(pid_, 5);  // the master takes its worker with it
  pid_ = -1;
  wait_for([&] { return !tcp_connects(port_); }, 5);
}

}  // namespace loopcast::test
