// The files of an HLS output sent to a server (youtube-hls://KEY, hls+https://HOST/PATH/): PUT in the
// order the muxer finished them, so a segment always arrives before the playlist that names it, and
// only the newest playlist is sent (an older one still queued is superseded).
// Its own thread and queue: a slow, failing or dead server delays this queue only, never the muxer
// (which writes into memory, engine/output/hls_capture.hpp), the encoders or the other outputs.
// A failed PUT (refused, timed out, 4xx/5xx) is retried with the output backoff; meanwhile segments
// wait, up to kMaxQueuedSegments (about a minute), so the server gets the stream without a gap when
// it returns from a short outage; past that the oldest are dropped (a gap, said in the log).
// A file the server refuses (a 4xx: a wrong key, a name or size it will not take) is tried
// kRefusedTries times, then skipped, so that one bad file never holds up the ones behind it.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <thread>

#include "base/backoff.hpp"
#include "base/thread_annotations.hpp"
#include "engine/output/http_put.hpp"

namespace loopcast {

inline constexpr size_t kMaxQueuedSegments = 30;  // ~60 s of 2 s segments, ~20 MB at 2.5 Mb/s
inline constexpr int kRefusedTries = 3;

struct HlsUploadStatus {
  bool failing = false;        // the last PUT failed: retrying with backoff
  int attempt = 0;             // failed attempts in a row (0 when the last PUT went through)
  int recoveries = 0;          // times uploads resumed after failing
  std::string last_error;      // "output '...': PUT index17.ts: HTTP 503 Service Unavailable" (redacted)
  uint64_t bytes = 0;          // bytes uploaded (2xx answers)
  uint64_t files = 0;          // files uploaded
  uint64_t dropped_segments = 0;  // never uploaded: the queue overflowed, or the server refused them
  uint64_t refused_segments = 0;  // of dropped_segments: refused kRefusedTries times (4xx)
  size_t queued_segments = 0;  // finished, not yet uploaded (the one being sent included)
};

class HlsUpload {
 public:
  // `prefix`: where files go, the name appended (OutputTarget::upload_prefix); `shown`: the output
  // as logs show it. Each request is bounded by timeout_s (HttpPut).
  HlsUpload(const std::string& prefix, std::string shown, double timeout_s, Backoff backoff);
  ~HlsUpload();
  HlsUpload(const HlsUpload&) = delete;
  HlsUpload& operator=(const HlsUpload&) = delete;

  void start();
  // A finished file from the muxer. Never blocks on the network.
  void add(std::string name, std::string bytes) EXCLUDES(mu_);
  // Sends what is queued (the last segment, the playlist with #EXT-X-ENDLIST) for up to drain_s,
  // then abandons the rest and ends the thread.
  void stop(double drain_s) EXCLUDES(mu_);
  HlsUploadStatus status() const EXCLUDES(mu_);

 private:
  struct File {
    std::string name;
    std::string bytes;
    bool playlist = false;
  };
  void run();
  bool next(std::optional<File>& hand) EXCLUDES(mu_);  // false: stopping and nothing left
  void succeeded(const File& f) EXCLUDES(mu_);
  bool failed(std::optional<File>& hand, const Status& s, int attempt) EXCLUDES(mu_);  // false: give up (stopping)
  size_t queued_segments_locked() const REQUIRES(mu_);

  const std::string shown_;
  const Backoff backoff_;
  HttpPut put_;
  std::thread thread_;

  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<File> queue_ GUARDED_BY(mu_);
  bool hand_is_segment_ GUARDED_BY(mu_) = false;  // the file being sent (out of queue_) is a segment
  int hand_refused_ GUARDED_BY(mu_) = 0;          // times the server refused that file
  bool stopping_ GUARDED_BY(mu_) = false;
  bool abort_ GUARDED_BY(mu_) = false;  // past the drain deadline: no more attempts
  bool done_ GUARDED_BY(mu_) = false;
  HlsUploadStatus st_ GUARDED_BY(mu_);
};

}  // namespace loopcast
