#include "engine/splice/card_cache.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "base/log.hpp"

namespace loopcast {
namespace fs = std::filesystem;

void touch_card(const std::string& path) {
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
}

int trim_card_cache(const std::string& dir, uint64_t max_bytes, const std::string& keep) {
  struct Entry {
    fs::path path;
    uint64_t bytes;
    fs::file_time_type used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec) || e.path().extension() != ".mp4") continue;  // temp files are the writer's
    const uint64_t bytes = e.file_size(ec);
    entries.push_back({e.path(), bytes, e.last_write_time(ec)});
    total += bytes;
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  int removed = 0;
  for (const auto& e : entries) {
    if (total <= max_bytes) break;
    if (e.path == fs::path(keep)) continue;
    if (fs::remove(e.path, ec)) {
      total -= e.bytes;
      ++removed;
    }
  }
  if (removed) log::info("card", "card cache over {} MB: {} least recently used removed", max_bytes >> 20, removed);
  return removed;
}

}  // namespace loopcast
