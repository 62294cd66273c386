// The pipeline thread: paced by the audio sample clock, it pulls audio (station or tone), emits
// the video frames due from the current loop, encodes the sound once and the picture once per
// distinct output profile, and hands each output its packets. A prepared loop is swapped in at the next video frame with a forced IDR.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/audio/encoded_peak.hpp"
#include "engine/audio/loudness_stage.hpp"
#include "engine/input/audio_feed.hpp"
#include "engine/encoder.hpp"
#include "engine/engine_config.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/input/station_feed.hpp"
#include "engine/output/output.hpp"
#include "engine/splice/cached_loop.hpp"
#include "engine/video/frame_tap.hpp"
#include "engine/video_path.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

struct PipelineStats {
  uint64_t video_frames = 0;
  uint64_t audio_frames = 0;
  uint64_t dropped_frames = 0;
  uint64_t duplicated_frames = 0;  // loop frames shown twice (loop fps < output fps)
  uint64_t switches = 0;
  uint64_t video_bytes = 0;   // encoded
  uint64_t audio_bytes = 0;
  double output_seconds = 0;  // media time produced (audio clock)
  double wall_seconds = 0;    // since the pipeline started
  std::string loop;           // on air
  bool finished = false;      // ended by itself (duration reached or fatal error)
  std::string error;          // the fatal error, if any
  double last_packet_age = 0; // seconds since the last packet left the encoders
  std::string video_mode;     // encode | splice (fixed for the pipeline's life)
  CardStats cards;            // title cards composed ahead (splice mode)
};

class Pipeline {
 public:
  using TitleHandler = StationFeed::TitleHandler;
  // Opens the first loop, the encoders, the audio feed and (synchronously, once) the outputs.
  // With `cached` (the first loop pre-encoded), video is spliced from caches for the pipeline's
  // whole life: no video decode or encode, one SPS/PPS for the session.
  static Result<std::unique_ptr<Pipeline>> create(const EngineConfig& cfg, TitleHandler on_title = {},
                                                  std::unique_ptr<CachedLoop> cached = nullptr);
  ~Pipeline();

  void start();
  // Graceful: flush the encoders, write trailers, close outputs (bounded by a few seconds).
  void stop();
  // Put `next` on air at the next video frame (IDR there; crossfade if configured).
  void switch_to(std::unique_ptr<LoopSource> next);
  // Splice mode: put a cached loop on air at the next clean cut (at most 3 frames late).
  Status switch_to(std::unique_ptr<CachedLoop> next);
  bool splicing() const { return video_->mode() == PathKind::splice; }
  void request_keyframe() { force_idr_ = true; }
  // Now-playing text and cover art for the overlay (ignored when the overlay is disabled).
  void set_now_playing(std::string text, ArtPtr art) { video_->set_now_playing(std::move(text), std::move(art)); }
  // The song's title card (splice mode): on air when composed, never waited for.
  void show_card(std::shared_ptr<CardSlot> slot) { video_->show_card(std::move(slot)); }
  // The song's title card drawn per frame (encode mode).
  void draw_card(CardText text) { video_->draw_card(std::move(text)); }

  PipelineStats stats() const;
  std::vector<OutputStatus> outputs() const;
  AudioFeedStatus audio() const { return audio_->status(); }
  LoudnessStatus loudness() const { return loudness_.status(); }
  const FrameTap& tap() const { return tap_; }  // the on-air keyframe for previews

 private:
  explicit Pipeline(const EngineConfig& cfg) : cfg_(cfg), loop_path_(cfg.loop) {}
  void run();
  Status tick();  // one audio frame and the video frames it makes due
  Status emit_video_frame();
  void send_audio(AVPacket* pkt);                    // to every output
  void send_video(size_t rendition, AVPacket* pkt);  // to the outputs of that rendition
  void teardown();

  EngineConfig cfg_;
  std::unique_ptr<AudioFeed> audio_;
  std::unique_ptr<VideoPath> video_;  // encode or splice, for the pipeline's whole life
  Encoder aenc_;
  std::vector<std::unique_ptr<Output>> outputs_;
  std::vector<size_t> output_rendition_;  // the video each output takes (VideoPath::params(r))
  FrameTap tap_;
  LoudnessStage loudness_{cfg_.sample_rate, cfg_.loudness_target};  // between the feed and the AAC encoder
  std::unique_ptr<EncodedPeak> encoded_peak_;                       // with a target: the AAC decoded again

  FramePtr aframe_ = make_frame();
  int64_t audio_samples_ = 0;
  int64_t video_frames_ = 0;
  std::chrono::steady_clock::time_point t0_;

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> force_idr_{true};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> dropped_{0}, duplicated_{0}, switches_{0}, vbytes_{0}, abytes_{0};
  std::atomic<int64_t> vframes_out_{0}, asamples_out_{0}, last_packet_ns_{0};
  mutable Mutex stats_mu_;
  std::string loop_path_ GUARDED_BY(stats_mu_);
  std::string error_ GUARDED_BY(stats_mu_);
};

}  // namespace loopcast
