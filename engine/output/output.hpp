// One destination of the encoded stream (RTMP/RTMPS ingest or a local .flv file) with its own
// queue, thread and reconnect loop: a slow or dead ingest never stalls the encoders or the other
// outputs. Every session starts on a video keyframe with timestamps rebased to zero.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/av.hpp"
#include "engine/engine_config.hpp"
#include "base/interrupt.hpp"
#include "engine/output/output_status.hpp"
#include "base/result.hpp"

namespace loopcast {

struct OutputStreams {
  const AVCodecContext* video = nullptr;  // stream 0
  const AVCodecContext* audio = nullptr;  // stream 1
};

class Output {
 public:
  Output(std::string url, OutputStreams streams, const EngineConfig& cfg, std::function<void()> request_keyframe);
  ~Output();

  // First connection attempt, synchronous, so a bad URL or unwritable file fails the start.
  // A reachable-later network ingest (refused, timed out) is not fatal: it keeps retrying.
  Status open();
  void start();  // the writer thread: queue → muxer, reconnect on failure
  // Queue a packet (stream 0 video, 1 audio; timestamps in the encoder's time base). Never blocks.
  void push(int stream, const AVPacket* pkt);
  // Write what is queued (up to `drain_s`), write the trailer, close.
  void stop(double drain_s = 3.0);
  OutputStatus status() const;

 private:
  Status connect();
  void disconnect(bool trailer);
  void run();
  Status write(AVPacket* pkt);
  void clear_queue();
  void drop_queue_locked();  // mu_ held

  const std::string url_;
  const std::string shown_;  // redacted
  const bool file_;
  OutputStreams streams_;
  const double io_timeout_;
  const Backoff backoff_;
  const size_t max_queue_;
  std::function<void()> request_keyframe_;

  std::atomic<bool> stop_{false};
  std::atomic<bool> abort_io_{false};
  IoDeadline deadline_{abort_io_};
  AVFormatContext* oc_ = nullptr;  // owned; freed in disconnect()
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<int, AVPacket*>> queue_;
  std::vector<AVPacket*> pool_;  // recycled packet shells: no allocation in steady state
  bool accepting_ = false;       // connected and ready for packets
  bool need_keyframe_ = true;    // a new session starts on a video keyframe
  int64_t offset_us_ = 0;        // subtracted from every timestamp of this session
  OutputStatus st_;
  uint64_t bytes_before_ = 0;    // bytes of previous sessions
};

}  // namespace loopcast
