// status.json on a full volume (a real 64 KiB tmpfs): the last good file stays, the failure is
// logged once and reported in status, and writing resumes by itself when space returns.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "control/files/file_protocol.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
// Everything written to stderr (the log) while it lives.
struct CapturedStderr {
  explicit CapturedStderr(std::string p) : path(std::move(p)) {
    std::fflush(stderr);
    saved = dup(2);
    FILE* f = std::fopen(path.c_str(), "w");
    dup2(fileno(f), 2);
    std::fclose(f);
  }
  std::string stop() {
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return read_text(path);
  }
  std::string path;
  int saved = -1;
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("status.json on a full tmpfs: last good file kept, one log line, reported, resumes by itself") {
  const std::string dir = make_temp_dir("loopcast-full");
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") != 0) {
    const int err = errno;
    fs::remove_all(dir);
    // Only a missing privilege (no CAP_SYS_ADMIN: not root, or a container without it) skips; any
    // other failure to mount is a failure of the test.
    REQUIRE_MESSAGE(err == EPERM, "mount tmpfs: ", std::strerror(err));
    MESSAGE("SKIPPED: mounting a 64 KiB tmpfs needs CAP_SYS_ADMIN (uid ", ::geteuid(), "); run as root to check a full volume");
    return;
  }
  struct Unmount {
    std::string d;
    ~Unmount() { umount2(d.c_str(), MNT_DETACH); fs::remove_all(d); }
  } unmount{dir};

  FakeController ctl;
  ctl.snapshot.track.title = std::string(20000, 'a');
  FileProtocol fp(ctl, dir, 3600);
  ctl.attach(&fp);
  REQUIRE(fp.start());
  const std::string good = read_text(dir + "/status.json");
  REQUIRE(good.find(std::string(20000, 'a')) != std::string::npos);

  {  // fill the volume
    std::ofstream fill(dir + "/filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64 && fill.write(block.data(), block.size()); ++i) fill.flush();
  }
  ctl.snapshot.track.title = std::string(20000, 'b');
  CapturedStderr log(dir + "/../loopcast-full-log.txt");
  for (int i = 0; i < 5; ++i) fp.poll_once();
  const std::string logged = log.stop();
  fs::remove(dir + "/../loopcast-full-log.txt");

  CHECK(read_text(dir + "/status.json") == good);  // never a partial file in its place
  CHECK(count(logged, "status.json") == 1);          // once, not every period
  CHECK(logged.find("No space left on device") != std::string::npos);
  {
    const auto s = ctl.status();
    CHECK(s.files.write_failures == 5);
    CHECK(s.files.write_error.find("No space left on device") != std::string::npos);
  }
  for (const auto& e : fs::directory_iterator(dir))  // no temp files left behind
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);

  fs::remove(dir + "/filler");  // space returns
  fp.poll_once();
  CHECK(read_text(dir + "/status.json").find(std::string(20000, 'b')) != std::string::npos);
  CHECK(ctl.status().files.write_error.empty());
  fp.stop();
}
