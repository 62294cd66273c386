#include "control/stream/loop_opener.hpp"

#include <future>
#include <memory>

#include "base/log.hpp"
#include "engine/splice/card_cache.hpp"
#include "engine/splice/compose_pool.hpp"
#include "engine/splice/still_segment.hpp"

namespace loopcast {

LoopOpener::~LoopOpener() {
  std::vector<std::thread> threads;
  std::deque<Job> dropped;
  {
    MutexLock lk(mu_);
    quit_ = true;
    threads.swap(threads_);
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  // A splice stream's switch may be waiting for a loop's encode: cancelled, not waited for.
  if (s_.cache) s_.cache->cancel();
  for (auto& job : dropped) {
    MutexLock pk(job.prep->mu);
    job.prep->error = "the stream is stopping";
    job.prep->done = true;
  }
  for (auto& t : threads) t.join();
}

std::shared_ptr<PreparedLoop> LoopOpener::prepare(PrepareOrder order) {
  auto prep = std::make_shared<PreparedLoop>();
  {
    MutexLock lk(mu_);
    jobs_.push_back(Job{std::move(order), prep});
    // A worker per waiting job while there are few: an open stuck on a hung mount holds one only.
    if (idle_ < jobs_.size() && threads_.size() < kMaxWorkers) threads_.emplace_back([this] { worker(); });
  }
  cv_.notify_one();
  return prep;
}

void LoopOpener::worker() {
  MutexLock lk(mu_);
  while (true) {
    ++idle_;
    cv_.wait(lk.native(), [this]() NO_THREAD_SAFETY_ANALYSIS { return quit_ || !jobs_.empty(); });
    --idle_;
    if (quit_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lk.native().unlock();
    run(job);
    lk.native().lock();
  }
}

// The scene's one GOP is encoded on the process's compose pool (one x264 at a time per pool thread,
// at nice 15, ahead of the queued title cards), not on this stream's opener: twenty channels whose
// songs change at once would otherwise run twenty 720p encoders side by side (measured: 1.9 GB RSS).
Result<std::unique_ptr<CachedLoop>> LoopOpener::still_on_pool(const AVFrame* picture) const {
  using Made = Result<std::unique_ptr<CachedLoop>>;
  auto made = std::make_shared<std::promise<Made>>();
  std::future<Made> result = made->get_future();
  // The job owns the promise: a job the pool drops (the process ending) breaks it, never hangs here.
  const bool queued = ComposePool::shared().submit(
      [this, picture, made] {
        made->set_value(still_segment(picture, "@art", s_.engine, s_.cache->extradata(), s_.cache->dir() + "/cards", kCardCacheBytes));
      },
      /*urgent=*/true);
  made.reset();
  if (!queued) return Error{"cover scene: the compose queue is full", Errc::unavailable};
  try {
    return result.get();
  } catch (const std::future_error&) { return Error{"cover scene: not composed (stopping)", Errc::unavailable}; }
}

// A splice stream's scene: its picture encoded once as a one-GOP loop (or found in the card
// cache); without a picture, or if that fails, the default loop's cache.
std::unique_ptr<CachedLoop> LoopOpener::splice_scene(const AVFrame* picture, std::string& error) const {
  if (picture) {
    auto still = still_on_pool(picture);
    if (still) return std::move(*still);
    log::warn("control", "{}; showing the default loop", still.error());
  }
  auto c = s_.cache->ensure(s_.fallback);
  if (c) return std::move(*c);
  error = c.error();
  return nullptr;
}

// The loop first (a bad one refuses the switch and its art is not fetched), then the cover.
void LoopOpener::run(const Job& job) const {
  const PrepareOrder& o = job.order;
  std::unique_ptr<LoopSource> src;
  std::unique_ptr<CachedLoop> cached;
  std::string error;
  const bool splice = o.splice && s_.cache;
  switch (o.loop.kind()) {
    case LoopRef::Kind::none: break;  // art only: the loop on air stays
    case LoopRef::Kind::art: error = "'@art' names no song's cover: nothing to draw"; break;
    case LoopRef::Kind::scene: {
      // No cover (unreachable, not an image): the default loop, never a black or stale picture.
      auto scene = open_art_scene(o.loop.location(), ArtSceneText{o.track.artist, o.track.title, o.track.album}, s_.scene,
                                  s_.overlay.art_timeout);
      if (!scene) log::warn("control", "{}; showing the default loop", scene.error());
      if (splice) {
        cached = splice_scene(scene ? (*scene)->frame_at(0) : nullptr, error);
        break;
      }
      if (!scene) scene = LoopSource::open(s_.fallback, s_.format);
      if (scene) src = std::move(*scene);
      else error = scene.error();
      break;
    }
    case LoopRef::Kind::file:
    case LoopRef::Kind::network: {
      if (splice) {
        auto c = s_.cache->ensure(o.loop.location());
        if (c) cached = std::move(*c);
        else error = c.error() + " (a splice stream cannot encode it mid-session)";
      } else {
        auto opened = LoopSource::open(o.loop.location(), s_.format);
        if (opened) src = std::move(*opened);
        else error = opened.error();
      }
      break;
    }
  }
  Result<ArtPtr> art = error.empty() && !o.art_url.empty() ? load_cover_art(o.art_url, s_.overlay.art_size, s_.overlay.art_timeout)
                                                          : Result<ArtPtr>(nullptr);
  MutexLock pk(job.prep->mu);
  job.prep->src = std::move(src);
  job.prep->cached = std::move(cached);
  job.prep->error = error;
  if (art) job.prep->art = std::move(*art);
  else job.prep->art_error = art.error();
  job.prep->done = true;
}

}  // namespace loopcast
