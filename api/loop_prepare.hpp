// The console's view of splice mode's preparation: whether a loop is prepared (the first stream's
// cache holds an entry for this file and these settings), how far its build has come, and a build
// queued after an upload. The builds are the cache's own: one background thread at nice 10 with
// one x264 thread (engine/splice/loop_cache.hpp), so the stream on air keeps its CPU.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/thread_annotations.hpp"

namespace loopcast {

class LoopCache;

class LoopPrepare {
 public:
  // The first stream's splice cache, asked anew each time (the stream may be replaced); null:
  // the stream never splices, nothing is prepared.
  using CacheOf = std::function<std::shared_ptr<LoopCache>()>;
  explicit LoopPrepare(CacheOf cache_of) : cache_of_(std::move(cache_of)) {}

  bool splices() const { return cache_of_() != nullptr; }
  // Whether `path` has its cache entry; nullopt without a splice cache. The content hash is read
  // once per file version (path, size, mtime).
  std::optional<bool> prepared(const std::string& path) EXCLUDES(mu_);
  // Queues its build (false: the stream does not splice).
  bool prepare(const std::string& path);
  // {"name", "state": off|prepared|queued|building|failed|idle, "frames", "total", "progress" (0..1),
  // "error"}: idle is neither prepared nor on its way (a loop nothing asked for yet). `settled`: a
  // state after which nothing changes by itself (the progress stream ends with it).
  std::string progress_json(const std::string& name, const std::string& path, bool* settled = nullptr) EXCLUDES(mu_);

 private:
  struct Known {
    uintmax_t size = 0;
    int64_t mtime = 0;
    std::string entry;  // the cache entry's path for that version
  };
  std::string entry_of(const std::shared_ptr<LoopCache>& cache, const std::string& path) EXCLUDES(mu_);

  const CacheOf cache_of_;
  Mutex mu_;
  std::weak_ptr<LoopCache> known_for_ GUARDED_BY(mu_);  // the cache `known_` was computed for (its settings)
  std::map<std::string, Known> known_ GUARDED_BY(mu_);
};

}  // namespace loopcast
