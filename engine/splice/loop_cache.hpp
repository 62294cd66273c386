// The loops' caches for one stream: loads entries, replaces bad ones, and builds missing ones on
// one background thread (nice 10, one encoder thread), so preparing costs the live stream at most
// one low-priority core. An entry per loop for the stream's profile, and one more per profile of
// its outputs' own (engine/output/output_profile.hpp), loaded together. Thread-safe.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "engine/engine_config.hpp"
#include "engine/splice/cached_loop.hpp"

namespace loopcast {

class LoopCache {
 public:
  LoopCache(EngineConfig cfg, std::string dir);
  ~LoopCache();  // cancels a build in progress
  // The stream is going: stops the build in progress and wakes every ensure() (which then fails),
  // so nothing waits on a loop encode at shutdown. The cache builds nothing after it.
  void cancel();

  // The valid entry for `loop` (with the other profiles' entries as its renditions). Errc::not_found
  // while one is not built yet; a partial, corrupt or foreign entry is removed, queued for a
  // rebuild, and reported as Errc::invalid.
  Result<std::unique_ptr<CachedLoop>> load(const std::string& loop);
  // Queue background builds (deduplicated; loops already cached are skipped quickly).
  void prepare(const std::vector<std::string>& loops);
  // Load, or build ahead of the queue and wait for it. A loop that failed to build fails again
  // without rebuilding (until prepare() is asked for it anew).
  Result<std::unique_ptr<CachedLoop>> ensure(const std::string& loop);
  // Blocks until the queue is empty and nothing is building (for `loopcast prepare`).
  void wait_idle();
  // Where `loop` stands, for a progress display: waiting in the queue, being encoded (its frames so
  // far of about `total`: whole passes of the file, at least one GOP), or failed (why).
  struct Progress {
    bool queued = false, building = false;
    int64_t frames = 0, total = 0;  // total 0: not known yet
    std::string error;
  };
  Progress progress(const std::string& loop) const EXCLUDES(mu_);
  // Where `loop`'s entry is, or will be, for this cache's settings (the content hash reads the file).
  Result<std::string> entry_path(const std::string& loop) const;
  const std::string& dir() const { return dir_; }
  // The parameter sets every entry of the stream's own profile shares, once one has been loaded (empty before).
  std::vector<uint8_t> extradata() const EXCLUDES(mu_);

 private:
  void run();
  // cfg with its logo loaded once for every build and key (`error` says why not).
  static EngineConfig with_logo(EngineConfig cfg, std::string& error);
  // One profile's entry at `path` (cache_path), read or built.
  Result<std::unique_ptr<CachedLoop>> load_one(const std::string& loop, const std::string& path, const EngineConfig& cfg);
  std::string build_one(const std::string& loop, const std::string& path, const EngineConfig& cfg);  // "" or why not
  void enqueue_locked(const std::string& loop, bool front) REQUIRES(mu_);
  bool busy_locked(const std::string& loop) const REQUIRES(mu_);

  std::string logo_error_;  // set once in the constructor, before the thread starts (a logo or profile that cannot be)
  const EngineConfig cfg_;
  const std::vector<EngineConfig> others_;  // the outputs' own profiles (renditions 1..)
  const std::string dir_;
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_ GUARDED_BY(mu_);
  std::string building_ GUARDED_BY(mu_);
  std::map<std::string, std::string> failed_ GUARDED_BY(mu_);  // loop → build error
  std::vector<uint8_t> extradata_ GUARDED_BY(mu_);
  std::atomic<bool> quit_{false};
  std::atomic<int64_t> built_frames_{0}, build_total_{0};  // the build in progress (progress())
  std::thread thread_;
};

}  // namespace loopcast
