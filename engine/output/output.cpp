#include "engine/output/output.hpp"

#include "engine/output/h264_nal.hpp"
#include "engine/output/hls_capture.hpp"
#include "engine/output/hls_dir.hpp"
#include "engine/output/hls_upload.hpp"
#include "engine/output/output_profile.hpp"

#include <fmt/format.h>

#include <chrono>

#include "base/libav_log.hpp"
#include "base/log.hpp"
#include "base/redact.hpp"
#include "base/tls.hpp"

namespace loopcast {
namespace {
constexpr AVRational kMicros{1, 1000000};
// Audio held while a session waits for its keyframe: longer than any encoder delay (x264's
// lookahead and frame threads, well under a second) and than a requested keyframe takes to come.
constexpr int64_t kHoldAudioUs = 3'000'000;
}  // namespace

Output::Output(std::string url, OutputStreams streams, const EngineConfig& cfg, std::function<void()> request_keyframe,
               BacklogLimits limits)
    : url_(std::move(url)),
      redacted_url_(shown_output(url_)),
      target_(parse_output(url_)),
      is_network_(target_ && is_network(target_.value().kind)),
      streams_(streams),
      io_timeout_(cfg.io_timeout),
      backoff_(cfg.output_backoff),
      limits_(limits),
      request_keyframe_(std::move(request_keyframe)) {
  st_.url = redacted_url_;
  if (target_ && target_.value().kind == OutputKind::hls_upload) {
    upload_ = std::make_unique<HlsUpload>(target_.value().upload_prefix, redacted_url_, io_timeout_, backoff_);
    capture_ = std::make_unique<HlsCapture>(
        [this](std::string name, std::string bytes) { upload_->add(std::move(name), std::move(bytes)); });
  }
}

Output::~Output() {
  stop(0);
  clear_queue();
}

Status Output::add_streams() {
  for (const AVCodecContext* enc : {streams_.video, streams_.audio}) {
    AVStream* st = avformat_new_stream(oc_.get(), nullptr);
    if (!st) return Error{fmt::format("output '{}': cannot add a stream (out of memory)", redacted_url_), Errc::internal};
    if (int err = avcodec_parameters_from_context(st->codecpar, enc); err < 0)
      return Error{fmt::format("output '{}': stream parameters: {}", redacted_url_, av_error_string(err)), Errc::internal};
    st->time_base = enc->time_base;
    // flvenc writes onMetaData's framerate from the stream's average rate: without it ingest
    // dashboards and probes see no frame rate.
    if (enc->codec_type == AVMEDIA_TYPE_VIDEO) st->avg_frame_rate = st->r_frame_rate = enc->framerate;
    // The HLS muxer asks for Apple's HEVC tag (a warning on every start otherwise); MPEG-TS ignores it.
    if (enc->codec_id == AV_CODEC_ID_HEVC && std::string(muxer_name(target_.value().kind)) == "hls")
      st->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
  }
  return Status::ok();
}

Status Output::connect() {
  if (!target_) return Error{target_.error(), Errc::invalid};
  const OutputTarget& target = target_.value();
  if (target.kind == OutputKind::hls_dir)
    if (Status s = prepare_hls_dir(target.dir, redacted_url_); !s) return s;
  AVFormatContext* raw = nullptr;
  int err = avformat_alloc_output_context2(&raw, nullptr, muxer_name(target.kind), target.muxer_url.c_str());
  if (err < 0 || !raw) return Error{fmt::format("output '{}': {}", redacted_url_, av_error_string(err)), Errc::invalid};
  oc_.reset(raw);
  oc_->interrupt_callback = deadline_.callback();
  if (capture_) capture_->attach(oc_.get());
  if (Status s = add_streams(); !s) {
    oc_.reset();
    return s;
  }
  // The HLS muxer opens its playlist and segments itself (through oc_'s io_open and deadline).
  if (!(oc_->oformat->flags & AVFMT_NOFILE))
    if (Status s = open_io(); !s) return s;
  AVDictionary* mux_opts = nullptr;
  for (const auto& [key, value] : muxer_options(target)) av_dict_set(&mux_opts, key.c_str(), value.c_str(), 0);
  deadline_.arm(io_timeout_);
  take_libav_error();
  err = avformat_write_header(oc_.get(), &mux_opts);
  av_dict_free(&mux_opts);
  if (err < 0) {
    disconnect(false);
    return Error{fmt::format("output '{}': write header: {}", redacted_url_, describe_av_failure(err)), Errc::unavailable};
  }
  return Status::ok();
}

Status Output::open_io() {
  const OutputTarget& target = target_.value();
  AVDictionary* opts = nullptr;
  if (is_network_) av_dict_set_int(&opts, "rw_timeout", static_cast<int64_t>(io_timeout_ * 1e6), 0);
  if (target.kind == OutputKind::rtmp) apply_tls_policy(&opts);  // rtmps: the stream key goes only to a verified ingest
  for (const auto& [key, value] : protocol_options(target)) av_dict_set(&opts, key.c_str(), value.c_str(), 0);
  deadline_.arm(io_timeout_);
  take_libav_error();
  int err = avio_open2(&oc_->pb, target.muxer_url.c_str(), AVIO_FLAG_WRITE, &oc_->interrupt_callback, &opts);
  av_dict_free(&opts);
  if (err >= 0) return Status::ok();
  const bool timed_out = deadline_.timed_out();
  oc_.reset();
  Errc code = !is_network_ || err == AVERROR_PROTOCOL_NOT_FOUND || err == AVERROR(EINVAL) ? Errc::invalid : Errc::unavailable;
  // libav's return code says "Input/output error" for a refused certificate, and for an SRT call
  // nobody answered or the listener rejected: say what happened.
  std::string why = timed_out ? "connect timed out" : describe_av_failure(err);
  if (!timed_out && target.kind == OutputKind::srt && err == AVERROR(EIO))
    why = "SRT call not answered or rejected (is the listener up on that port, with the same passphrase?)";
  return Error{fmt::format("output '{}': {}", redacted_url_, why), code};
}

void Output::disconnect(bool trailer) {
  if (!oc_) return;
  if (trailer) {
    deadline_.arm(io_timeout_);
    av_write_trailer(oc_.get());
  }
  if (oc_->pb) {
    MutexLock lk(mu_);
    bytes_before_ += static_cast<uint64_t>(std::max<int64_t>(0, avio_tell(oc_->pb)));
  }
  oc_.reset();  // closes the AVIOContext, then frees the context
}

void Output::set_state_locked(OutputState s, const std::string& error) {
  st_.state = s;
  if (!error.empty()) st_.last_error = error;
}

Status Output::open() {
  Status s = connect();
  MutexLock lk(mu_);
  if (s) {
    set_state_locked(OutputState::live);
    accepting_ = true;
    need_keyframe_ = true;
    log::info("output", "{}: {}", redacted_url_, to_string(OutputState::live));
  } else {
    set_state_locked(OutputState::reconnecting, s.error());
  }
  return s;
}

void Output::start() {
  stop_ = false;
  abort_io_ = false;
  thread_ = std::thread([this] { run(); });
  if (upload_) upload_->start();
}

PacketPtr Output::take_packet_locked() {
  if (pool_.empty()) return make_packet();
  PacketPtr p = std::move(pool_.back());
  pool_.pop_back();
  return p;
}

void Output::recycle_locked(PacketPtr p) {
  if (!p) return;
  av_packet_unref(p.get());
  pool_.push_back(std::move(p));
}

// Session entry (first keyframe), the pre-entry packets, and the wait for a keyframe after the
// backlog policy cut a GOP. Fills `info` for a packet that may be queued.
bool Output::admit_locked(Track track, const AVPacket* pkt, QueuedPacketInfo& info) {
  const bool video = track == Track::video;
  const bool key = video && (pkt->flags & AV_PKT_FLAG_KEY);
  if (need_keyframe_) {
    if (!video) hold_audio_locked(pkt);  // it may belong to the keyframe still in the video encoder
    if (!key) return false;  // wait for a clean entry point
    need_keyframe_ = false;
    video_waits_key_ = false;
    offset_us_ = av_rescale_q(pkt->dts, streams_.video->time_base, kMicros);
  }
  const AVRational tb = video ? streams_.video->time_base : streams_.audio->time_base;
  const bool h264 = streams_.video->codec_id == AV_CODEC_ID_H264;  // HEVC NAL headers read otherwise
  const bool disposable =
      video && !key && ((pkt->flags & AV_PKT_FLAG_DISPOSABLE) || (h264 && h264_non_reference(pkt->data, pkt->size)));
  info = {av_rescale_q(pkt->dts, tb, kMicros), video, key, disposable};
  if (info.dts_us < offset_us_) return false;  // before the entry point
  if (video && video_waits_key_) {
    if (!key) {
      ++st_.dropped_packets;
      return false;
    }
    video_waits_key_ = false;
  }
  return true;
}

void Output::push(Track track, const AVPacket* pkt) {
  {
    MutexLock lk(mu_);
    if (stop_) return;
    if (!accepting_) {
      // Between sessions (the ingest is away): keep the last seconds of audio. The next session's
      // first keyframe may have entered the video encoder before the ingest came back (a GOP's own
      // keyframe inside x264's delay), and the sound of its time with it.
      if (track == Track::audio) hold_audio_locked(pkt);
      return;
    }
    QueuedPacketInfo info;
    if (!admit_locked(track, pkt, info)) return;
    PacketPtr p = take_packet_locked();
    if (!p || av_packet_ref(p.get(), pkt) < 0) {
      ++st_.dropped_packets;  // out of memory: this packet is lost, the stream goes on
      st_.dropped_audio_packets += track == Track::audio;
      recycle_locked(std::move(p));
      if (track == Track::video) video_waits_key_ = true;
      return;
    }
    const bool session_entry = track == Track::video && !held_audio_.empty();
    queue_.push_back({track, info, std::move(p)});
    if (session_entry) release_held_audio_locked();
    apply_backlog_policy_locked();
  }
  cv_.notify_one();
}

void Output::hold_audio_locked(const AVPacket* pkt) {
  const int64_t dts_us = av_rescale_q(pkt->dts, streams_.audio->time_base, kMicros);
  while (!held_audio_.empty() &&
         av_rescale_q(held_audio_.front()->dts, streams_.audio->time_base, kMicros) < dts_us - kHoldAudioUs) {
    recycle_locked(std::move(held_audio_.front()));
    held_audio_.pop_front();
  }
  PacketPtr p = take_packet_locked();
  if (!p || av_packet_ref(p.get(), pkt) < 0) {
    recycle_locked(std::move(p));
    return;  // out of memory: the session starts a little later in the sound, nothing worse
  }
  held_audio_.push_back(std::move(p));
}

// The session's keyframe was just queued (it set offset_us_): queue the held audio from its time on,
// so the first picture has sound from the first muxed packet. Older audio belongs to no picture.
void Output::release_held_audio_locked() {
  for (PacketPtr& p : held_audio_) {
    const int64_t dts_us = av_rescale_q(p->dts, streams_.audio->time_base, kMicros);
    if (dts_us >= offset_us_) {
      QueuedPacketInfo info{dts_us, false, false, false};
      queue_.push_back({Track::audio, info, std::move(p)});
    } else {
      recycle_locked(std::move(p));
    }
  }
  held_audio_.clear();
}

const std::vector<QueuedPacketInfo>& Output::refresh_backlog_locked() {
  infos_.clear();
  for (const Queued& q : queue_) infos_.push_back(q.info);
  st_.backlog_seconds = buffered_s(infos_);
  return infos_;
}

void Output::apply_backlog_policy_locked() {
  const DropPlan plan = plan_drops(refresh_backlog_locked(), limits_);
  if (plan.level == DropLevel::none) {
    logged_level_ = DropLevel::none;
    return;
  }
  std::deque<Queued> kept;
  for (size_t i = 0; i < queue_.size(); ++i) {
    Queued& q = queue_[i];
    if (!plan.drop[i]) {
      kept.push_back(std::move(q));
      continue;
    }
    ++st_.dropped_packets;
    st_.dropped_disposable_packets += q.info.disposable;
    st_.dropped_audio_packets += !q.info.video;
    recycle_locked(std::move(q.pkt));
  }
  queue_.swap(kept);
  if (plan.wait_keyframe) video_waits_key_ = true;
  refresh_backlog_locked();
  if (plan.level > logged_level_) {
    static constexpr const char* kWhat[] = {"", "non-reference frames", "video up to the newest keyframe", "the whole queue"};
    log::warn("output", "{}: ingest is behind, dropping {} ({:.1f}s queued after the drop)", redacted_url_,
              kWhat[static_cast<int>(plan.level)], st_.backlog_seconds);
    logged_level_ = plan.level;
  }
}

Status Output::write(Track track, AVPacket* pkt) {
  const AVRational enc_tb = track == Track::video ? streams_.video->time_base : streams_.audio->time_base;
  int64_t offset_us = 0;
  {
    MutexLock lk(mu_);
    offset_us = offset_us_;
  }
  const int64_t off = av_rescale_q(offset_us, kMicros, enc_tb);
  pkt->pts -= off;
  pkt->dts -= off;
  pkt->stream_index = stream_index(track);
  av_packet_rescale_ts(pkt, enc_tb, oc_->streams[pkt->stream_index]->time_base);
  const int size = pkt->size;  // the muxer takes the packet
  deadline_.arm(io_timeout_);
  int err = av_interleaved_write_frame(oc_.get(), pkt);
  if (err < 0)
    return Error{fmt::format("output '{}': write: {}", redacted_url_,
                             deadline_.timed_out() ? fmt::format("stalled for {:.0f}s", io_timeout_) : av_error_string(err)),
                 Errc::unavailable};
  MutexLock lk(mu_);
  ++st_.packets;
  // A muxer that writes its own files (HLS) has no pb to ask: count what went into it.
  if (oc_->pb) st_.bytes = bytes_before_ + static_cast<uint64_t>(std::max<int64_t>(0, avio_tell(oc_->pb)));
  else st_.bytes += static_cast<uint64_t>(size);
  return Status::ok();
}

// One reconnect attempt after the backoff delay; the engine keeps encoding meanwhile (packets are
// not queued). Returns false when the output stops or has used up its attempts.
bool Output::reconnect(int& attempt) {
  if (stop_) return false;
  {
    MutexLock lk(mu_);
    st_.attempt = attempt + 1;
    cv_.wait_for(lk.native(), std::chrono::duration<double>(backoff_.delay(attempt)), [&] { return stop_.load(); });
  }
  if (stop_) return false;
  if (Status s = connect(); !s) {
    ++attempt;
    log::warn("output", "{} (attempt {})", s.error(), attempt);
    MutexLock lk(mu_);
    st_.last_error = s.error();
    if (backoff_.attempts > 0 && attempt >= backoff_.attempts) {
      set_state_locked(OutputState::failed);
      log::error("output", "{}: {} after {} attempt(s)", redacted_url_, to_string(OutputState::failed), attempt);
      return false;
    }
    return true;
  }
  log::info("output", "{}: {} again after {} attempt(s)", redacted_url_, to_string(OutputState::live), attempt + 1);
  attempt = 0;
  {
    MutexLock lk(mu_);
    set_state_locked(OutputState::live);
    st_.attempt = 0;
    ++st_.reconnects;
    accepting_ = true;
    need_keyframe_ = true;
  }
  if (request_keyframe_) request_keyframe_();
  return true;
}

bool Output::next_packet(AVPacket* out, Track& track) {
  MutexLock lk(mu_);
  cv_.wait(lk.native(), [&] {
    mu_.assert_held();
    return stop_.load() || !queue_.empty();
  });
  if (queue_.empty()) return false;  // stopping and drained
  Queued q = std::move(queue_.front());
  queue_.pop_front();
  track = q.track;
  av_packet_move_ref(out, q.pkt.get());
  recycle_locked(std::move(q.pkt));
  refresh_backlog_locked();
  return true;
}

void Output::run() {
  int attempt = 0;
  PacketPtr scratch = make_packet();
  if (!scratch) {
    MutexLock lk(mu_);
    set_state_locked(OutputState::failed, fmt::format("output '{}': out of memory", redacted_url_));
    accepting_ = false;
    return;
  }
  while (true) {
    if (!oc_) {
      if (!reconnect(attempt)) break;
      if (!oc_) continue;
    }
    Track track = Track::video;
    if (!next_packet(scratch.get(), track)) break;
    Status s = write(track, scratch.get());
    av_packet_unref(scratch.get());
    if (!s) {
      log::warn("output", "{}; {}", s.error(), to_string(OutputState::reconnecting));
      disconnect(false);
      MutexLock lk(mu_);
      set_state_locked(OutputState::reconnecting, s.error());
      accepting_ = false;
      drop_queue_keeping_audio_locked();
    }
  }
  if (oc_) disconnect(true);
  MutexLock lk(mu_);
  accepting_ = false;
  if (st_.state != OutputState::failed) set_state_locked(OutputState::stopped);
}

void Output::clear_queue() {
  MutexLock lk(mu_);
  drop_queue_locked();
}

// The session broke: its unsent audio is held for the next session (see push()), the rest dropped.
void Output::drop_queue_keeping_audio_locked() {
  std::deque<PacketPtr> audio;
  for (Queued& q : queue_)
    if (q.track == Track::audio && q.pkt) audio.push_back(std::move(q.pkt));
  drop_queue_locked();
  held_audio_ = std::move(audio);
}

void Output::drop_queue_locked() {
  for (Queued& q : queue_) recycle_locked(std::move(q.pkt));
  queue_.clear();
  for (PacketPtr& p : held_audio_) recycle_locked(std::move(p));
  held_audio_.clear();
  st_.backlog_seconds = 0.0;
}

void Output::stop(double drain_s) {
  stop_writer(drain_s);
  // The trailer's files (the last segment, the playlist that ends the stream) are queued by now.
  if (upload_) upload_->stop(drain_s);
}

void Output::stop_writer(double drain_s) {
  if (!thread_.joinable()) {
    if (oc_) disconnect(true);
    return;
  }
  {
    MutexLock lk(mu_);
    accepting_ = false;
    stop_ = true;
  }
  cv_.notify_all();
  // Give the writer `drain_s` to flush the queue; past that, abort the blocking I/O.
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(drain_s);
  std::thread watchdog([this, until] {
    while (std::chrono::steady_clock::now() < until) {
      {
        MutexLock lk(mu_);
        if (st_.state == OutputState::stopped || st_.state == OutputState::failed) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    abort_io_ = true;
  });
  thread_.join();
  abort_io_ = true;
  watchdog.join();
}

OutputStatus Output::status() const {
  OutputStatus st;
  {
    MutexLock lk(mu_);
    st = st_;
  }
  if (!upload_) return st;
  // An uploading output is as live as its uploads: the muxer, writing into memory, never fails.
  const HlsUploadStatus up = upload_->status();
  if (st.state == OutputState::live && up.failing) st.state = OutputState::reconnecting;
  if (!up.last_error.empty()) st.last_error = up.last_error;
  st.attempt = up.attempt;
  st.reconnects += up.recoveries;
  st.bytes = up.bytes;
  st.dropped_segments = up.dropped_segments;
  st.backlog_seconds += static_cast<double>(up.queued_segments * kHlsSegmentSeconds);
  return st;
}

}  // namespace loopcast
