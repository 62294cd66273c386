// One destination of the encoded stream (RTMP/RTMPS or SRT ingest, a local .flv file, a directory
// of HLS segments, HLS uploaded to a server: engine/output/output_kind.hpp says which muxer each gets) with its own
// queue, thread and reconnect loop: a slow or dead ingest never stalls the encoders or the other
// outputs. Every session starts on a video keyframe with timestamps rebased to zero, and with the
// sound that belongs to that keyframe: the video encoder's delay means the audio for the keyframe's
// time was pushed before it, so audio is held while a session waits for its keyframe. The queue is
// bounded in media time: past BacklogLimits it drops by priority (engine/output/backlog.hpp).
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/av.hpp"
#include "engine/engine_config.hpp"
#include "engine/output/backlog.hpp"
#include "engine/output/output_kind.hpp"
#include "base/interrupt.hpp"
#include "engine/output/output_status.hpp"
#include "engine/output/track.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

class HlsCapture;  // engine/output/hls_capture.hpp
class HlsUpload;   // engine/output/hls_upload.hpp

struct OutputStreams {
  const AVCodecContext* video = nullptr;  // Track::video
  const AVCodecContext* audio = nullptr;  // Track::audio
};

class Output {
 public:
  Output(std::string url, OutputStreams streams, const EngineConfig& cfg, std::function<void()> request_keyframe,
         BacklogLimits limits = {});
  ~Output();

  // First connection attempt, synchronous, so a bad URL or unwritable file fails the start.
  // A reachable-later network ingest (refused, timed out) is not fatal: it keeps retrying.
  Status open();
  void start();  // the writer thread: queue → muxer, reconnect on failure
  // Queue a packet of `track` (timestamps in that encoder's time base). Never blocks.
  void push(Track track, const AVPacket* pkt);
  // Write what is queued (up to `drain_s`), write the trailer, close.
  void stop(double drain_s = 3.0);
  OutputStatus status() const;

 private:
  struct Queued {
    Track track = Track::video;
    QueuedPacketInfo info;
    PacketPtr pkt;
  };

  Status connect();
  Status open_io();  // the muxer's AVIOContext (not for HLS, which opens its own files)
  Status add_streams();
  void disconnect(bool trailer);
  void run();
  void stop_writer(double drain_s);  // the writer thread: drain, trailer, join
  bool reconnect(int& attempt);       // false: stopping or out of attempts
  bool next_packet(AVPacket* out, Track& track);  // false: stopping and drained
  Status write(Track track, AVPacket* pkt);
  void set_state_locked(OutputState s, const std::string& error = {}) REQUIRES(mu_);
  bool admit_locked(Track track, const AVPacket* pkt, QueuedPacketInfo& info) REQUIRES(mu_);
  void apply_backlog_policy_locked() REQUIRES(mu_);
  const std::vector<QueuedPacketInfo>& refresh_backlog_locked() REQUIRES(mu_);  // also sets st_.backlog_seconds
  PacketPtr take_packet_locked() REQUIRES(mu_);
  void recycle_locked(PacketPtr p) REQUIRES(mu_);
  void clear_queue();
  void drop_queue_locked() REQUIRES(mu_);
  void drop_queue_keeping_audio_locked() REQUIRES(mu_);  // a broken session's unsent audio waits for the next
  void hold_audio_locked(const AVPacket* pkt) REQUIRES(mu_);  // while waiting for a session's keyframe
  void release_held_audio_locked() REQUIRES(mu_);  // after the keyframe: the audio from its time on

  const std::string url_;
  const std::string redacted_url_;
  const Result<OutputTarget> target_;  // the muxer and its options; an error fails connect() as invalid
  const bool is_network_;              // rtmp(s)/srt: rw_timeout, and a failed open is retried
  OutputStreams streams_;
  const double io_timeout_;
  const Backoff backoff_;
  const BacklogLimits limits_;
  std::function<void()> request_keyframe_;
  // hls_upload only: the muxer's files, captured in memory and sent by their own thread, so a slow
  // server never holds the writer (its state is this output's state: status()).
  std::unique_ptr<HlsUpload> upload_;
  std::unique_ptr<HlsCapture> capture_;

  std::atomic<bool> stop_{false};
  std::atomic<bool> abort_io_{false};
  IoDeadline deadline_{abort_io_};
  OutputCtxPtr oc_;  // writer thread only (and open()/stop() before/after it runs)
  std::thread thread_;

  // mu_ guards everything below; push() holds it briefly, the writer never holds it during I/O.
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_ GUARDED_BY(mu_);
  std::vector<PacketPtr> pool_ GUARDED_BY(mu_);          // recycled packet shells: no allocation in steady state
  std::vector<QueuedPacketInfo> infos_ GUARDED_BY(mu_);  // scratch for the backlog policy, reused
  std::deque<PacketPtr> held_audio_ GUARDED_BY(mu_);     // audio pushed while waiting for the session's keyframe
  bool accepting_ GUARDED_BY(mu_) = false;        // connected and ready for packets
  bool need_keyframe_ GUARDED_BY(mu_) = true;     // a new session starts on a video keyframe
  bool video_waits_key_ GUARDED_BY(mu_) = false;  // the backlog policy cut a GOP: video resumes at a keyframe
  DropLevel logged_level_ GUARDED_BY(mu_) = DropLevel::none;  // last drop level logged (one line per episode)
  int64_t offset_us_ GUARDED_BY(mu_) = 0;         // subtracted from every timestamp of this session
  OutputStatus st_ GUARDED_BY(mu_);
  uint64_t bytes_before_ GUARDED_BY(mu_) = 0;     // bytes of previous sessions
};

}  // namespace loopcast
