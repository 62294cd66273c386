#include "engine/output/hls_upload.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "base/log.hpp"

namespace loopcast {
namespace {
bool is_playlist(const std::string& name) { return name.size() > 5 && name.compare(name.size() - 5, 5, ".m3u8") == 0; }
const char* content_type(bool playlist) { return playlist ? "application/vnd.apple.mpegurl" : "video/mp2t"; }
}  // namespace

HlsUpload::HlsUpload(const std::string& prefix, std::string shown, double timeout_s, Backoff backoff)
    : shown_(std::move(shown)), backoff_(backoff), put_(prefix, timeout_s) {}

HlsUpload::~HlsUpload() { stop(0); }

void HlsUpload::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void HlsUpload::add(std::string name, std::string bytes) {
  {
    MutexLock lk(mu_);
    if (stopping_ && abort_) return;
    File f{std::move(name), std::move(bytes), false};
    f.playlist = is_playlist(f.name);
    // Only the newest playlist matters, and it names every segment queued before it.
    if (f.playlist) std::erase_if(queue_, [](const File& q) { return q.playlist; });
    queue_.push_back(std::move(f));
    // An outage longer than the queue: the oldest segments go (the newest playlist no longer names them).
    uint64_t dropped = 0;
    while (queued_segments_locked() > kMaxQueuedSegments) {
      auto it = std::find_if(queue_.begin(), queue_.end(), [](const File& q) { return !q.playlist; });
      queue_.erase(it);
      ++dropped;
    }
    if (dropped > 0 && st_.dropped_segments % 10 == 0)
      log::warn("output", "{}: upload queue full ({} segments): dropping the oldest", shown_, kMaxQueuedSegments);
    st_.dropped_segments += dropped;
    st_.queued_segments = queued_segments_locked() + hand_is_segment_;
  }
  cv_.notify_all();
}

size_t HlsUpload::queued_segments_locked() const {
  return static_cast<size_t>(std::count_if(queue_.begin(), queue_.end(), [](const File& q) { return !q.playlist; }));
}

bool HlsUpload::next(std::optional<File>& hand) {
  MutexLock lk(mu_);
  if (!hand) {
    cv_.wait(lk.native(), [&] {
      mu_.assert_held();
      return stopping_ || !queue_.empty();
    });
    if (queue_.empty() || abort_) return false;  // stopping and drained (or out of time)
    hand = std::move(queue_.front());
    queue_.pop_front();
    hand_is_segment_ = !hand->playlist;
  }
  return !abort_;
}

void HlsUpload::succeeded(const File& f) {
  MutexLock lk(mu_);
  st_.bytes += f.bytes.size();
  ++st_.files;
  hand_is_segment_ = false;
  hand_refused_ = 0;
  st_.queued_segments = queued_segments_locked();
  if (st_.failing) {
    ++st_.recoveries;
    log::info("output", "{}: uploads resumed after {} failed attempt(s)", shown_, st_.attempt);
  }
  st_.failing = false;
  st_.attempt = 0;
}

bool HlsUpload::failed(std::optional<File>& hand, const Status& s, int attempt) {
  MutexLock lk(mu_);
  st_.failing = true;
  st_.attempt = attempt;
  st_.last_error = fmt::format("output '{}': {}", shown_, s.error());
  log::warn("output", "{} (attempt {})", st_.last_error, attempt);
  // A newer playlist is queued: this one is stale. A full queue: this segment is the oldest, it goes.
  // Refused again and again: the server will not take this file; the ones behind it go on.
  const bool superseded = hand->playlist && std::any_of(queue_.begin(), queue_.end(), [](const File& q) { return q.playlist; });
  const bool refused = s.code() == Errc::invalid && ++hand_refused_ >= kRefusedTries;
  if (refused) {
    log::warn("output", "{}: {} refused {} times: skipped", shown_, hand->name, hand_refused_);
    st_.refused_segments += !hand->playlist;
  }
  if (superseded || refused || (!hand->playlist && queued_segments_locked() >= kMaxQueuedSegments)) {
    st_.dropped_segments += !hand->playlist;
    hand.reset();
    hand_is_segment_ = false;
    hand_refused_ = 0;
  }
  cv_.wait_for(lk.native(), std::chrono::duration<double>(backoff_.delay(attempt - 1)), [&] {
    mu_.assert_held();
    return abort_ || (stopping_ && !hand);
  });
  return !abort_;
}

void HlsUpload::run() {
  std::optional<File> hand;
  int attempt = 0;
  while (next(hand)) {
    Status s = put_.put(hand->name, hand->bytes, content_type(hand->playlist));
    if (s) {
      succeeded(*hand);
      hand.reset();
      attempt = 0;
      continue;
    }
    if (!failed(hand, s, ++attempt)) break;
  }
  MutexLock lk(mu_);
  done_ = true;
  cv_.notify_all();
}

void HlsUpload::stop(double drain_s) {
  {
    MutexLock lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (!thread_.joinable()) return;
  {
    MutexLock lk(mu_);
    cv_.wait_for(lk.native(), std::chrono::duration<double>(drain_s), [&] {
      mu_.assert_held();
      return done_;
    });
    abort_ = true;
  }
  cv_.notify_all();
  put_.cancel();  // a request still in flight past the drain time
  thread_.join();
}

HlsUploadStatus HlsUpload::status() const {
  MutexLock lk(mu_);
  return st_;
}

}  // namespace loopcast
