#include "app/defaults.hpp"

#include "control/mapping/track_map.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace loopcast {
namespace fs = std::filesystem;

namespace {
std::string find_loops_dir(const std::string& configured) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("LOOPCAST_ASSETS")) candidates.emplace_back(env);
  candidates.emplace_back(configured);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "assets/loops");
    candidates.push_back(exe.parent_path().parent_path() / "assets/loops");
    candidates.push_back(exe.parent_path().parent_path() / "share/loopcast/loops");
  }
  candidates.emplace_back("/usr/share/loopcast/loops");
#ifdef LOOPCAST_ASSETS_DIR
  candidates.emplace_back(LOOPCAST_ASSETS_DIR);  // the source tree this binary was built from
#endif
  for (const auto& c : candidates)
    if (fs::is_directory(c, ec)) return c.string();
  return configured;
}
}  // namespace

std::vector<std::string> loops_in(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> loops;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto ext = e.path().extension().string();
    if (ext == ".mp4" || ext == ".mkv" || ext == ".mov" || ext == ".webm") loops.push_back(e.path().string());
  }
  std::sort(loops.begin(), loops.end());
  return loops;
}

void apply_embedded_defaults(AppConfig& cfg) {
  std::error_code ec;
  if (!fs::is_directory(cfg.control.loops_dir, ec)) cfg.control.loops_dir = find_loops_dir(cfg.control.loops_dir);
  // A loop given by name (not a path, extension optional) lives in the loops directory.
  if (!cfg.engine.loop.empty() && !fs::exists(cfg.engine.loop, ec) && cfg.engine.loop.find('/') == std::string::npos) {
    if (auto in_dir = resolve_loop_name(cfg.control.loops_dir, cfg.engine.loop)) cfg.engine.loop = *in_dir;
  }
  if (!cfg.engine.loop.empty()) return;
  // No --loop: the mapping's default is the first loop (a time rule holding at start-up or the
  // AzuraCast start-up sync may still pick another, in the Supervisor). An unreadable mapping is
  // reported by the Supervisor, which refuses it with its reason; here it just names nothing.
  if (!cfg.control.mapping_file.empty()) {
    if (auto map = TrackMap::load(cfg.control.mapping_file, cfg.control.loops_dir);
        map && !map->default_loop().empty() && map->default_loop() != kArtScene && fs::exists(map->default_loop(), ec)) {
      cfg.engine.loop = map->default_loop();
      return;
    }
  }
  // Only when nothing names a loop: one of the directory's own.
  auto loops = loops_in(cfg.control.loops_dir);
  // An empty loops directory (a fresh Docker volume) falls back to the shipped loops.
  if (loops.empty()) loops = loops_in(find_loops_dir(""));
  if (!loops.empty()) cfg.engine.loop = loops.back();  // "sunset" before "ocean": the calmer one
}

}  // namespace loopcast
