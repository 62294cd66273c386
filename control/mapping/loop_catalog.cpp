#include "control/mapping/loop_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "control/mapping/track_map.hpp"
#include "engine/input/loop_probe.hpp"
#include "engine/video/jpeg.hpp"

namespace loopcast {
namespace fs = std::filesystem;
namespace {
std::string ext_of(const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}
}  // namespace

bool is_loop_file_name(const std::string& name) {
  const std::string ext = ext_of(name);
  return ext == ".mp4" || ext == ".mkv" || ext == ".mov" || ext == ".webm";
}

std::vector<LoopEntry> LoopCatalog::list() {
  std::vector<std::pair<std::string, Version>> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    std::error_code fe;
    if (!e.is_regular_file(fe) || !is_loop_file_name(e.path().filename().string())) continue;
    const auto size = e.file_size(fe);
    const auto mtime = e.last_write_time(fe).time_since_epoch().count();
    if (!fe) files.push_back({e.path().string(), Version{size, static_cast<int64_t>(mtime)}});
  }
  std::sort(files.begin(), files.end());
  std::vector<LoopEntry> out;
  for (const auto& [path, version] : files) {
    {
      MutexLock lk(mu_);
      if (auto it = probed_.find(path); it != probed_.end() && it->second.version == version) {
        out.push_back(it->second.entry);
        continue;
      }
    }
    LoopEntry entry{fs::path(path).filename().string(), path, 0, version.size, {}};
    if (auto facts = probe_loop(path)) entry.duration = facts->duration;
    else entry.error = facts.error();
    MutexLock lk(mu_);
    probed_[path] = Probed{version, entry};
    out.push_back(entry);
  }
  return out;
}

Result<std::string> LoopCatalog::path_of(const std::string& name) const {
  auto path = resolve_loop_name(dir_, name);  // refuses '/', '\\' and ".."
  if (!path) return path;
  if (!is_loop_file_name(*path)) return Error{fmt::format("no loop named '{}' in {}", name, dir_), Errc::not_found};
  return path;
}

Result<std::shared_ptr<const std::string>> LoopCatalog::thumbnail(const std::string& name) {
  auto path = path_of(name);
  if (!path) return path.forward();
  std::error_code ec;
  const Version version{static_cast<uint64_t>(fs::file_size(*path, ec)), static_cast<int64_t>(fs::last_write_time(*path, ec).time_since_epoch().count())};
  if (ec) return Error{fmt::format("no loop named '{}' in {}", name, dir_), Errc::not_found};
  {
    MutexLock lk(mu_);
    if (auto it = thumbs_.find(*path); it != thumbs_.end() && it->second.version == version) {
      if (it->second.jpeg) return it->second.jpeg;
      return Error{it->second.error, Errc::internal};
    }
  }
  // Decoded outside the lock: a slow file delays only its own thumbnail.
  std::shared_ptr<const std::string> jpeg;
  std::string error;
  auto picture = loop_picture(*path, kThumbAt, thumb_);
  if (picture) {
    if (auto encoded = encode_jpeg(picture->get(), thumb_.width)) jpeg = std::make_shared<const std::string>(std::move(*encoded));
    else error = fmt::format("thumbnail of '{}': {}", name, encoded.error());
  } else {
    error = fmt::format("thumbnail of '{}': {}", name, picture.error());
  }
  MutexLock lk(mu_);
  thumbs_[*path] = Thumb{version, jpeg, error};
  if (!jpeg) return Error{error, Errc::internal};
  return jpeg;
}

}  // namespace loopcast
