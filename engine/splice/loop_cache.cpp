#include "engine/splice/loop_cache.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "base/log.hpp"
#include "engine/input/loop_probe.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/splice/cache_builder.hpp"
#include "engine/splice/cache_file.hpp"
#include "engine/splice/cache_key.hpp"

namespace loopcast {

namespace {
// The outputs' own profiles, each with the logo read at its size; `error` says why one cannot be.
std::vector<EngineConfig> other_profiles(const EngineConfig& stream, std::string& error) {
  std::vector<EngineConfig> out;
  auto plan = plan_renditions(stream, true);
  if (!plan) {
    error = plan.error();
    return out;
  }
  for (size_t r = 1; r < plan->profiles.size(); ++r) {
    EngineConfig c = with_profile(stream, plan->profiles[r]);
    if (Status st = load_logo(c.logo, c.width, c.height); !st && error.empty()) error = st.error();
    out.push_back(std::move(c));
  }
  return out;
}
}  // namespace

LoopCache::LoopCache(EngineConfig cfg, std::string dir)
    : cfg_(with_logo(std::move(cfg), logo_error_)), others_(other_profiles(cfg_, logo_error_)), dir_(std::move(dir)) {
  thread_ = std::thread([this] { run(); });
}

LoopCache::~LoopCache() {
  cancel();
  thread_.join();
}

void LoopCache::cancel() {
  {
    std::lock_guard lk(mu_);  // a waiter between its predicate and its wait must not miss it
    quit_ = true;
  }
  cv_.notify_all();
}

EngineConfig LoopCache::with_logo(EngineConfig cfg, std::string& error) {
  if (Status st = load_logo(cfg.logo, cfg.width, cfg.height); !st) error = st.error();
  return cfg;
}

Result<std::unique_ptr<CachedLoop>> LoopCache::load(const std::string& loop) {
  // No entry without its logo: every load and build fails with the reason (validate() refuses
  // such a config at start, so this is a file gone between the check and the stream).
  if (!logo_error_.empty()) return Error{logo_error_, Errc::unavailable};
  auto content = content_hash(loop);  // read once for every profile's entry
  if (!content) return Error{content.error(), content.code() == Errc::not_found ? Errc::unavailable : content.code()};
  auto cached = load_one(loop, cache_path(dir_, loop, *content, cfg_), cfg_);
  if (!cached) return cached;
  for (const auto& other : others_) {
    auto r = load_one(loop, cache_path(dir_, loop, *content, other), other);
    if (!r) return r.forward();
    (*cached)->add_rendition(std::move(*r));
  }
  MutexLock lk(mu_);
  extradata_ = (*cached)->extradata();
  return cached;
}

Result<std::unique_ptr<CachedLoop>> LoopCache::load_one(const std::string& loop, const std::string& path, const EngineConfig& cfg) {
  auto cached = read_cache(path, CacheMeta{loop, cache_profile(cfg), cfg.fps, gop_frames(cfg)});
  if (!cached && cached.code() == Errc::invalid) {
    log::warn("cache", "{}: rebuilding it", cached.error());
    std::error_code ec;
    std::filesystem::remove(path, ec);
    MutexLock lk(mu_);
    failed_.erase(loop);
    enqueue_locked(loop, false);
  }
  return cached;
}

std::vector<uint8_t> LoopCache::extradata() const {
  MutexLock lk(mu_);
  return extradata_;
}

void LoopCache::prepare(const std::vector<std::string>& loops) {
  MutexLock lk(mu_);
  for (const auto& l : loops) {
    failed_.erase(l);
    enqueue_locked(l, false);
  }
}

bool LoopCache::busy_locked(const std::string& loop) const {
  return building_ == loop || std::find(queue_.begin(), queue_.end(), loop) != queue_.end();
}

void LoopCache::enqueue_locked(const std::string& loop, bool front) {
  if (loop.empty() || building_ == loop) return;
  queue_.erase(std::remove(queue_.begin(), queue_.end(), loop), queue_.end());
  if (front) queue_.push_front(loop);
  else queue_.push_back(loop);
  cv_.notify_all();
}

Result<std::unique_ptr<CachedLoop>> LoopCache::ensure(const std::string& loop) {
  auto cached = load(loop);
  if (cached || (cached.code() != Errc::not_found && cached.code() != Errc::invalid)) return cached;
  {
    MutexLock lk(mu_);
    if (!failed_.count(loop)) enqueue_locked(loop, true);
    cv_.wait(lk.native(), [&] {
      mu_.assert_held();
      return quit_ || !busy_locked(loop);
    });
    if (auto f = failed_.find(loop); f != failed_.end()) return Error{f->second, Errc::unavailable};
  }
  return load(loop);
}

void LoopCache::wait_idle() {
  MutexLock lk(mu_);
  cv_.wait(lk.native(), [&] {
    mu_.assert_held();
    return quit_ || (queue_.empty() && building_.empty());
  });
}

LoopCache::Progress LoopCache::progress(const std::string& loop) const {
  Progress p;
  MutexLock lk(mu_);
  p.building = building_ == loop;
  p.queued = std::find(queue_.begin(), queue_.end(), loop) != queue_.end();
  if (p.building) p.frames = built_frames_, p.total = build_total_;
  if (auto f = failed_.find(loop); f != failed_.end()) p.error = f->second;
  return p;
}

Result<std::string> LoopCache::entry_path(const std::string& loop) const { return cache_path(dir_, loop, cfg_); }

namespace {
// About how many frames a build of `loop` encodes (build_cache: whole passes, at least one GOP);
// 0 when the container does not say how long it is.
int64_t frames_to_build(const std::string& loop, const EngineConfig& cfg) {
  auto facts = probe_loop(loop);
  if (!facts || facts->duration <= 0) return 0;
  const int64_t pass = std::max<int64_t>(1, std::llround(facts->duration * cfg.fps));
  const int64_t gop = gop_frames(cfg);
  return (gop + pass - 1) / pass * pass;
}
}  // namespace

void LoopCache::run() {
  // Below the live pipeline: a build takes the CPU only when the stream leaves some.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  MutexLock lk(mu_);
  while (!quit_) {
    cv_.wait(lk.native(), [&] {
      mu_.assert_held();
      return quit_ || !queue_.empty();
    });
    if (quit_) break;
    building_ = queue_.front();
    queue_.pop_front();
    const std::string loop = building_;
    built_frames_ = 0;
    build_total_ = 0;
    lk.unlock();
    std::string error = logo_error_;
    if (error.empty()) {
      auto content = content_hash(loop);  // read once for every profile's entry
      if (!content) error = content.error();
      for (size_t r = 0; content && r <= others_.size() && error.empty() && !quit_; ++r) {
        const EngineConfig& c = r == 0 ? cfg_ : others_[r - 1];
        error = build_one(loop, cache_path(dir_, loop, *content, c), c);
      }
    }
    if (!error.empty() && !quit_) log::warn("cache", "{} (the loop can only be encoded)", error);
    lk.lock();
    if (!error.empty()) failed_[loop] = error;
    building_.clear();
    cv_.notify_all();
  }
}

std::string LoopCache::build_one(const std::string& loop, const std::string& path, const EngineConfig& cfg) {
  if (std::filesystem::exists(path)) return "";  // (an entry is verified when it is loaded, not twice)
  log::info("cache", "encoding loop '{}' once for splice mode ({}x{} {} kb/s {}) → {}", loop, cfg.width, cfg.height,
            cfg.video_bitrate / 1000, to_string(cfg.codec), path);
  const auto t0 = std::chrono::steady_clock::now();
  built_frames_ = 0;
  build_total_ = frames_to_build(loop, cfg);
  auto built = build_cache(loop, path, cfg, &quit_, &built_frames_);
  if (!built) return built.error();
  log::info("cache", "loop '{}' cached: {} frames in {:.1f} s", loop, (*built)->frames(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return "";
}

}  // namespace loopcast
