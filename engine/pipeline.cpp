#include "engine/pipeline.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "engine/pacing.hpp"
#include "engine/input/station_feed.hpp"
#include "engine/input/tone_feed.hpp"

namespace loopcast {
namespace {
int64_t now_ns() { return std::chrono::steady_clock::now().time_since_epoch().count(); }
}  // namespace

Result<std::unique_ptr<Pipeline>> Pipeline::create(const EngineConfig& cfg, TitleHandler on_title, std::unique_ptr<CachedLoop> cached) {
  std::unique_ptr<Pipeline> p(new Pipeline(cfg));
  if (cached) {
    auto path = SplicePath::create(std::move(cached), cfg);
    if (!path) return Error{path.error(), path.code()};
    p->splice_ = std::move(*path);
  } else {
    auto loop = LoopSource::open(cfg.loop, VideoFormat{cfg.width, cfg.height, AV_PIX_FMT_YUV420P, cfg.fps, cfg.fit});
    if (!loop) return Error{loop.error(), loop.code()};
    p->loop_ = std::move(*loop);
    p->loop_->set_cancel(&p->stop_);
    auto venc = Encoder::video(cfg);
    if (!venc) return Error{venc.error(), venc.code()};
    p->venc_ = std::move(*venc);
  }
  auto aenc = Encoder::audio(cfg);
  if (!aenc) return Error{aenc.error(), aenc.code()};
  p->aenc_ = std::move(*aenc);

  AVFrame* a = p->aframe_.get();
  a->format = AV_SAMPLE_FMT_FLTP;
  a->ch_layout = AV_CHANNEL_LAYOUT_STEREO;
  a->sample_rate = cfg.sample_rate;
  a->nb_samples = p->aenc_.frame_size() > 0 ? p->aenc_.frame_size() : 1024;
  if (av_frame_get_buffer(a, 0) < 0) return Error{"allocate audio frame"};

  if (cfg.outputs.empty()) return Error{"no output given", Errc::invalid};
  Pipeline* self = p.get();
  const AVCodecContext* video = p->splice_ ? p->splice_->params() : p->venc_.ctx();
  p->tap_.set_stream(video);
  for (const auto& url : cfg.outputs) {
    auto out = std::make_unique<Output>(url, OutputStreams{video, p->aenc_.ctx()}, cfg,
                                        [self] { self->request_keyframe(); });
    if (Status st = out->open(); !st) {
      // A wrong URL or an unwritable file is the operator's mistake: fail now. An ingest that is
      // merely down keeps being retried by the output's own thread.
      if (st.code() == Errc::invalid) return Error{st.error(), Errc::invalid};
      log::warn("output", "{} (will keep retrying)", st.error());
    }
    p->outputs_.push_back(std::move(out));
  }

  if (cfg.audio.empty()) {
    p->audio_ = std::make_unique<ToneFeed>(cfg.sample_rate);
  } else {
    std::unique_ptr<StationFeed> fallback;
    if (!cfg.fallback_audio.empty()) fallback = std::make_unique<StationFeed>(cfg.fallback_audio, cfg, nullptr);
    p->audio_ = std::make_unique<StationFeed>(cfg.audio, cfg, std::move(on_title), std::move(fallback));
  }
  return p;
}

Pipeline::~Pipeline() {
  stop();
  teardown();
}

void Pipeline::start() {
  if (thread_.joinable()) return;
  audio_->start();
  for (auto& o : outputs_) o->start();
  t0_ = std::chrono::steady_clock::now();
  last_packet_ns_ = now_ns();
  thread_ = std::thread([this] { run(); });
}

void Pipeline::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Pipeline::switch_to(std::unique_ptr<LoopSource> next) {
  MutexLock lk(switch_mu_);
  pending_ = std::move(next);  // a newer request replaces one not yet on air
}

Status Pipeline::switch_to(std::unique_ptr<CachedLoop> next) {
  if (!splice_) return Error{"switch to a cached loop: this stream encodes its video", Errc::conflict};
  return splice_->queue(std::move(next));
}

void Pipeline::send(int stream, AVPacket* pkt) {
  (stream == 0 ? vbytes_ : abytes_) += static_cast<uint64_t>(pkt->size);
  if (stream == 0) tap_.offer(pkt);
  last_packet_ns_ = now_ns();
  for (auto& o : outputs_) o->push(stream, pkt);
}

// Splice mode: the cached packet for this frame (keyframes come from the cache, at most one
// keyframe interval apart, so a reconnecting output waits for the next one instead of forcing it).
Status Pipeline::emit_spliced_frame() {
  bool switched = false;
  AVPacket* pkt = splice_->next(&switched);
  if (switched) {
    ++switches_;
    MutexLock sk(stats_mu_);
    loop_path_ = splice_->on_air();
    log::info("pipeline", "spliced to loop '{}' at frame {}", loop_path_, video_frames_);
  }
  send(0, pkt);
  ++video_frames_;
  vframes_out_ = video_frames_;
  return Status::ok();
}

Status Pipeline::emit_video_frame() {
  if (splice_) return emit_spliced_frame();
  bool idr = force_idr_.exchange(false);
  {
    MutexLock lk(switch_mu_);
    if (pending_) {
      crossfade_.begin(std::move(loop_), video_frames_, loop_start_frame_);
      loop_ = std::move(pending_);
      loop_->set_cancel(&stop_);
      loop_start_frame_ = video_frames_;
      idr = true;  // the new picture starts clean: a viewer joining now sees it at once
      ++switches_;
      MutexLock sk(stats_mu_);
      loop_path_ = loop_->path();
      log::info("pipeline", "switched to loop '{}' at frame {}", loop_path_, video_frames_);
    }
  }
  const double local_t = static_cast<double>(video_frames_ - loop_start_frame_) / cfg_.fps;
  // The visualiser draws the audio muxed at this frame's time: the samples up to frame n / fps.
  const int64_t heard = video_frames_ * cfg_.sample_rate / cfg_.fps;
  const AVFrame* pic = overlay_.apply(visualizer_.apply(crossfade_.compose(loop_->frame_at(local_t), video_frames_), heard));
  if (loop_->repeated() && video_frames_ > loop_start_frame_) ++duplicated_;
  av_frame_unref(vframe_.get());
  av_frame_ref(vframe_.get(), pic);
  vframe_->pts = video_frames_;  // output PTS come from the frame counter, never from the file
  Status st = venc_.encode(vframe_.get(), idr, [this](AVPacket* p) { send(0, p); });
  av_frame_unref(vframe_.get());
  ++video_frames_;
  vframes_out_ = video_frames_;
  return st;
}

Status Pipeline::tick() {
  AVFrame* a = aframe_.get();
  av_frame_make_writable(a);
  audio_->read(a->data, a->nb_samples);
  loudness_.process(reinterpret_cast<float* const*>(a->data), a->nb_samples);
  a->pts = audio_samples_;
  visualizer_.push(a, audio_samples_);
  if (Status st = aenc_.encode(a, false, [this](AVPacket* p) { send(1, p); }); !st) return st;
  audio_samples_ += a->nb_samples;
  asamples_out_ = audio_samples_;
  const int64_t due = pacing::video_frames_due(audio_samples_, cfg_.sample_rate, cfg_.fps);
  // Behind the wall clock by more than a second (CPU starved)? Skip pictures, never audio.
  const double lag = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count() * cfg_.speed -
                     pacing::audio_seconds(audio_samples_, cfg_.sample_rate);
  while (video_frames_ < due) {
    // (Spliced packets depend on each other and cost nothing: never skipped.)
    if (!splice_ && cfg_.realtime && lag > 1.0 && video_frames_ + 1 < due) {
      ++video_frames_;
      ++dropped_;
      continue;
    }
    if (Status st = emit_video_frame(); !st) return st;
  }
  return Status::ok();
}

void Pipeline::run() {
  log::info("pipeline", "on air: {}x{}@{} {} kb/s video ({}), {} Hz {} kb/s audio", cfg_.width, cfg_.height, cfg_.fps,
            cfg_.video_bitrate / 1000, splice_ ? "spliced from cache" : "encoded", cfg_.sample_rate, cfg_.audio_bitrate / 1000);
  while (!stop_) {
    const double media_t = pacing::audio_seconds(audio_samples_, cfg_.sample_rate);
    if (cfg_.duration > 0 && media_t >= cfg_.duration) break;
    if (cfg_.realtime) std::this_thread::sleep_until(t0_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(media_t / cfg_.speed)));
    if (Status st = tick(); !st) {
      log::error("pipeline", "{}", st.error());
      MutexLock lk(stats_mu_);
      error_ = st.error();
      break;
    }
  }
  // Flush what the encoders still hold so the recording ends cleanly. A failed flush only loses
  // that tail: the stream is ending either way, so it is logged, not reported as the error.
  Status vflush = splice_ ? Status::ok() : venc_.encode(nullptr, false, [this](AVPacket* p) { send(0, p); });
  Status aflush = aenc_.encode(nullptr, false, [this](AVPacket* p) { send(1, p); });
  for (const Status* st : {&vflush, &aflush})
    if (!*st) log::warn("pipeline", "flushing the encoder at the end: {}", st->error());
  teardown();
  // Dropped frames are a fact of a starved machine, never a secret: tests and operators read it here.
  log::info("pipeline", "off air after {:.1f}s of media: {} video frames, {} dropped to keep real time, {} duplicated",
            pacing::audio_seconds(audio_samples_, cfg_.sample_rate), video_frames_, dropped_.load(), duplicated_.load());
  finished_ = true;
}

void Pipeline::teardown() {
  for (auto& o : outputs_) o->stop(3.0);
  if (audio_) audio_->stop();
}

PipelineStats Pipeline::stats() const {
  PipelineStats s;
  s.video_frames = static_cast<uint64_t>(vframes_out_.load());
  s.audio_frames = static_cast<uint64_t>(asamples_out_.load()) / (aframe_->nb_samples ? aframe_->nb_samples : 1024);
  s.dropped_frames = dropped_;
  s.duplicated_frames = duplicated_;
  s.switches = switches_;
  s.video_bytes = vbytes_;
  s.audio_bytes = abytes_;
  s.output_seconds = pacing::audio_seconds(asamples_out_.load(), cfg_.sample_rate);
  s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  s.finished = finished_;
  s.last_packet_age = static_cast<double>(now_ns() - last_packet_ns_.load()) / 1e9;
  s.video_mode = splice_ ? "splice" : "encode";
  MutexLock lk(stats_mu_);
  s.loop = loop_path_;
  s.error = error_;
  return s;
}

std::vector<OutputStatus> Pipeline::outputs() const {
  std::vector<OutputStatus> v;
  for (const auto& o : outputs_) v.push_back(o->status());
  return v;
}

}  // namespace loopcast
