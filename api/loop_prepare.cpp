#include "api/loop_prepare.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "base/json_text.hpp"
#include "engine/splice/loop_cache.hpp"

namespace loopcast {

std::string LoopPrepare::entry_of(const std::shared_ptr<LoopCache>& cache, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  const int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  const auto size = static_cast<uintmax_t>(st.st_size);
  {
    MutexLock lk(mu_);
    if (known_for_.lock() != cache) known_.clear(), known_for_ = cache;  // a stream replaced: maybe other settings
    if (auto it = known_.find(path); it != known_.end() && it->second.size == size && it->second.mtime == mtime) return it->second.entry;
  }
  auto entry = cache->entry_path(path);  // reads the whole file: outside the lock
  if (!entry) return "";
  MutexLock lk(mu_);
  if (known_for_.lock() == cache) known_[path] = Known{size, mtime, *entry};
  return *entry;
}

std::optional<bool> LoopPrepare::prepared(const std::string& path) {
  auto cache = cache_of_();
  if (!cache) return std::nullopt;
  const std::string entry = entry_of(cache, path);
  std::error_code ec;
  return !entry.empty() && std::filesystem::exists(entry, ec);
}

bool LoopPrepare::prepare(const std::string& path) {
  auto cache = cache_of_();
  if (!cache) return false;
  cache->prepare({path});
  return true;
}

std::string LoopPrepare::progress_json(const std::string& name, const std::string& path, bool* settled) {
  auto cache = cache_of_();
  std::string state = "off";
  LoopCache::Progress p;
  if (cache) {
    p = cache->progress(path);
    std::error_code ec;
    const std::string entry = p.building || p.queued ? "" : entry_of(cache, path);
    // A failed build says so even when the stream's own entry is there (an output profile's failed).
    state = p.building                                             ? "building"
            : p.queued                                             ? "queued"
            : !p.error.empty()                                     ? "failed"
            : !entry.empty() && std::filesystem::exists(entry, ec) ? "prepared"
                                                                   : "idle";
  }
  if (settled) *settled = state != "queued" && state != "building";
  double progress = state == "prepared" ? 1.0 : 0.0;
  // An estimate until the end (a file's duration is the container's word): never 100 % before it.
  if (state == "building" && p.total > 0) progress = std::min(0.99, static_cast<double>(p.frames) / static_cast<double>(p.total));
  return fmt::format("{{\"name\":{},\"state\":\"{}\",\"frames\":{},\"total\":{},\"progress\":{:.3f}{}}}", json_quote(name), state, p.frames,
                     p.total, progress, state == "failed" ? ",\"error\":" + json_quote(p.error) : "");
}

}  // namespace loopcast
