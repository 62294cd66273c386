#include "engine/output/hls_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "engine/output/output_kind.hpp"

namespace loopcast {

Status prepare_hls_dir(const std::string& dir, const std::string& shown) {
  namespace fs = std::filesystem;
  auto invalid = [&](const std::string& why) {
    return Error{fmt::format("output '{}': directory '{}' {}", shown, dir, why), Errc::invalid};
  };
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (!fs::exists(st)) return invalid("does not exist (create it first)");
  if (!fs::is_directory(st)) return invalid("is not a directory");
  if (access(dir.c_str(), W_OK | X_OK) != 0) return invalid(fmt::format("is not writable: {}", std::strerror(errno)));
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) name.resize(name.size() - 4);
    if (is_hls_file_name(name)) leftovers.push_back(it->path());
  }
  for (const auto& p : leftovers) fs::remove(p, ec);  // best effort: a leftover only costs disk
  return Status::ok();
}

}  // namespace loopcast
