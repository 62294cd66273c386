#include "engine/pipeline.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "engine/encode_path.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/pacing.hpp"
#include "engine/splice/splice_path.hpp"
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
    if (!path) return path.forward();
    p->video_ = std::move(*path);
  } else {
    auto path = EncodePath::create(cfg, &p->stop_);
    if (!path) return path.forward();
    p->video_ = std::move(*path);
  }
  auto aenc = Encoder::audio(cfg);
  if (!aenc) return aenc.forward();
  p->aenc_ = std::move(*aenc);
  if (p->loudness_.wants_encoded()) {
    auto probe = EncodedPeak::open(p->aenc_.ctx());
    if (!probe) return probe.forward();
    p->encoded_peak_ = std::make_unique<EncodedPeak>(std::move(*probe));
  }

  AVFrame* a = p->aframe_.get();
  a->format = AV_SAMPLE_FMT_FLTP;
  a->ch_layout = AV_CHANNEL_LAYOUT_STEREO;
  a->sample_rate = cfg.sample_rate;
  a->nb_samples = p->aenc_.frame_size() > 0 ? p->aenc_.frame_size() : 1024;
  if (av_frame_get_buffer(a, 0) < 0) return Error{"allocate audio frame"};

  if (cfg.outputs.empty()) return Error{"no output given", Errc::invalid};
  // The video path made one rendition per profile of this same plan (splice: the stream's own first).
  auto plan = plan_renditions(cfg, p->splicing());
  if (!plan) return plan.forward();
  if (plan->profiles.size() != p->video_->renditions())
    return Error{fmt::format("internal: {} output profiles, {} renditions", plan->profiles.size(), p->video_->renditions()),
                 Errc::internal};
  Pipeline* self = p.get();
  p->tap_.set_stream(p->video_->params(0));
  for (size_t i = 0; i < cfg.outputs.size(); ++i) {
    const size_t r = plan->of_output[i];
    auto out = std::make_unique<Output>(cfg.outputs[i], OutputStreams{p->video_->params(r), p->aenc_.ctx()}, cfg,
                                        [self] { self->request_keyframe(); });
    if (Status st = out->open(); !st) {
      // A wrong URL or an unwritable file is the operator's mistake: fail now. An ingest that is
      // merely down keeps being retried by the output's own thread.
      if (st.code() == Errc::invalid) return Error{st.error(), Errc::invalid};
      log::warn("output", "{} (will keep retrying)", st.error());
    }
    p->outputs_.push_back(std::move(out));
    p->output_rendition_.push_back(r);
  }

  if (cfg.audio.empty()) {
    p->audio_ = std::make_unique<ToneFeed>(cfg.sample_rate);
  } else {
    std::unique_ptr<StationFeed> fallback;
    if (!cfg.fallback_audio.empty()) fallback = std::make_unique<StationFeed>(cfg.fallback_audio, cfg.station(), nullptr);
    p->audio_ = std::make_unique<StationFeed>(cfg.audio, cfg.station(), std::move(on_title), std::move(fallback));
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
  // The supervisor prepares the kind of loop the stream plays; a refusal here is a bug upstream.
  if (Status st = video_->switch_to(std::move(next)); !st) log::warn("pipeline", "{}", st.error());
}

Status Pipeline::switch_to(std::unique_ptr<CachedLoop> next) { return video_->switch_to(std::move(next)); }

void Pipeline::send_audio(AVPacket* pkt) {
  abytes_ += static_cast<uint64_t>(pkt->size);
  last_packet_ns_ = now_ns();
  for (auto& o : outputs_) o->push(Track::audio, pkt);
}

void Pipeline::send_video(size_t rendition, AVPacket* pkt) {
  vbytes_ += static_cast<uint64_t>(pkt->size);
  if (rendition == 0) tap_.offer(pkt);
  last_packet_ns_ = now_ns();
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (output_rendition_[i] == rendition) outputs_[i]->push(Track::video, pkt);
}

Status Pipeline::emit_video_frame() {
  VideoFrameEvents ev;
  Status st = video_->emit(
      video_frames_, force_idr_.exchange(false), [this](size_t r, AVPacket* p) { send_video(r, p); }, ev);
  if (ev.switched) {
    ++switches_;
    MutexLock sk(stats_mu_);
    loop_path_ = video_->on_air();
  }
  if (ev.repeated) ++duplicated_;
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
  video_->hear(a, audio_samples_);
  Status encoded = aenc_.encode(a, false, [this](AVPacket* p) {
    if (encoded_peak_) loudness_.heard_encoded(encoded_peak_->feed(p));
    send_audio(p);
  });
  if (!encoded) return encoded;
  audio_samples_ += a->nb_samples;
  asamples_out_ = audio_samples_;
  const int64_t due = pacing::video_frames_due(audio_samples_, cfg_.sample_rate, cfg_.fps);
  // Behind the wall clock by more than a second (CPU starved)? Skip pictures, never audio.
  const double lag = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count() * cfg_.speed -
                     pacing::audio_seconds(audio_samples_, cfg_.sample_rate);
  while (video_frames_ < due) {
    if (video_->may_skip() && cfg_.realtime && lag > 1.0 && video_frames_ + 1 < due) {
      ++video_frames_;
      ++dropped_;
      continue;
    }
    if (Status st = emit_video_frame(); !st) return st;
  }
  return Status::ok();
}

void Pipeline::run() {
  std::string videos;  // each rendition: "1280x720 2500 kb/s h264 + 1920x1080 6000 kb/s h264"
  for (size_t r = 0; r < video_->renditions(); ++r) {
    const AVCodecContext* v = video_->params(r);
    videos += fmt::format("{}{}x{} {} kb/s {}", r ? " + " : "", v->width, v->height, v->bit_rate / 1000, avcodec_get_name(v->codec_id));
  }
  log::info("pipeline", "on air: {} @{} fps video ({}), {} Hz {} kb/s audio", videos, cfg_.fps,
            splicing() ? "spliced from cache" : "encoded", cfg_.sample_rate, cfg_.audio_bitrate / 1000);
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
  Status vflush = video_->flush([this](size_t r, AVPacket* p) { send_video(r, p); });
  Status aflush = aenc_.encode(nullptr, false, [this](AVPacket* p) { send_audio(p); });
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
  s.video_mode = to_string(video_->mode());
  s.cards = video_->cards();
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
