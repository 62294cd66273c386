#include "base/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace loopcast {

Status write_file_atomic(const std::string& path, std::string_view content) {
  static std::atomic<unsigned> counter{0};
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string tmp = fmt::format("{}.tmp.{}.{}", path, getpid(), counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{fmt::format("write {}: {}", name, std::strerror(errno)), Errc::unavailable};
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{fmt::format("write {}: {}", name, std::strerror(e)), Errc::unavailable};
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return Error{fmt::format("write {}: {}", name, std::strerror(e)), Errc::unavailable};
  }
  return Status::ok();
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("read {}: {}", path, std::strerror(errno)), errno == ENOENT ? Errc::not_found : Errc::unavailable};
  std::string out;
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Error{fmt::format("{} is larger than {} bytes", path, max_bytes), Errc::invalid};
    }
  }
  ::close(fd);
  return out;
}

}  // namespace loopcast
