// The real LoopPreparer: a few worker threads it owns (started on demand, joined when it goes),
// each opening one loop and fetching one cover at a time. Several workers, because an open on a
// hung network mount blocks its worker until the I/O deadline: the next song's switch must not
// wait behind it.
#pragma once
#include <condition_variable>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "control/stream/loop_preparer.hpp"
#include "engine/splice/loop_cache.hpp"
#include "engine/video/art_scene.hpp"
#include "engine/video/overlay_config.hpp"

namespace loopcast {

struct LoopOpenerSettings {
  VideoFormat format;          // what the pipeline encodes
  OverlayConfig overlay;       // cover size and fetch timeout
  ArtSceneLayout scene;        // how a cover-art scene is drawn
  std::string fallback;        // the default loop: a scene whose cover fails shows it instead
  std::shared_ptr<LoopCache> cache;  // the splice cache (null: the stream never splices)
  EngineConfig engine;               // the stream's profile, logo loaded: how a spliced scene is encoded
};

class LoopOpener final : public LoopPreparer {
 public:
  static constexpr size_t kMaxWorkers = 3;

  explicit LoopOpener(LoopOpenerSettings settings) : s_(std::move(settings)) {}
  ~LoopOpener() override;  // waits for the jobs in hand (each bounded by its I/O deadline)
  std::shared_ptr<PreparedLoop> prepare(PrepareOrder order) override EXCLUDES(mu_);

 private:
  struct Job {
    PrepareOrder order;
    std::shared_ptr<PreparedLoop> prep;
  };
  void worker() EXCLUDES(mu_);
  void run(const Job& job) const;
  std::unique_ptr<CachedLoop> splice_scene(const AVFrame* picture, std::string& error) const;
  Result<std::unique_ptr<CachedLoop>> still_on_pool(const AVFrame* picture) const;

  const LoopOpenerSettings s_;
  Mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  std::vector<std::thread> threads_ GUARDED_BY(mu_);
  size_t idle_ GUARDED_BY(mu_) = 0;
  bool quit_ GUARDED_BY(mu_) = false;
};

}  // namespace loopcast
