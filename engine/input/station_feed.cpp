#include "engine/input/station_feed.hpp"

#include <fmt/format.h>

#include <chrono>

#include "engine/input/icy.hpp"
#include "base/log.hpp"
#include "engine/pacing.hpp"
#include "base/redact.hpp"
#include "base/libav_log.hpp"
#include "base/tls.hpp"
#include "base/version.hpp"
#include "base/url.hpp"
#include "engine/input/decoder.hpp"

namespace loopcast {
namespace {
constexpr int kChannels = 2;
}

StationFeed::StationFeed(std::string url, const EngineConfig& cfg, TitleHandler on_title,
                         std::unique_ptr<StationFeed> fallback)
    : url_(std::move(url)),
      live_(is_network_url(url_)),
      rate_(cfg.sample_rate),
      io_timeout_(cfg.io_timeout),
      target_(cfg.audio_buffer),
      backoff_(cfg.input_backoff),
      on_title_(std::move(on_title)),
      fallback_(std::move(fallback)),
      buffer_(cfg.sample_rate, kChannels, cfg.audio_buffer, live_ ? cfg.audio_buffer * 2 + 1.0 : cfg.audio_buffer * 2) {}

StationFeed::~StationFeed() {
  stop();
  if (conv_) av_freep(&conv_[0]);
  av_freep(&conv_);
  av_channel_layout_uninit(&swr_in_layout_);
}

void StationFeed::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  if (fallback_) fallback_->start();
  thread_ = std::thread([this] { run(); });
}

void StationFeed::stop() {
  stop_ = true;
  buffer_.wake();
  if (thread_.joinable()) thread_.join();
  if (fallback_) fallback_->stop();
}

void StationFeed::read(uint8_t* const* planes, int samples) {
  if (fallback_ && !buffer_.playing()) {
    fallback_->read(planes, samples);
    buffer_.read(planes, 0);  // lets the buffer notice its refill without consuming
    return;
  }
  buffer_.read(planes, samples);
}

AudioFeedStatus StationFeed::status() const {
  AudioFeedStatus s;
  {
    MutexLock lk(mu_);
    s.state = state_;
    s.last_error = last_error_;
    s.icy_title = icy_title_;
    s.reconnects = reconnects_;
  }
  s.source = redact_url(url_);
  s.buffer = buffer_.level();
  s.underruns = buffer_.underruns();
  const bool station_plays = buffer_.playing();
  if (s.state == AudioState::connected && !station_plays) s.state = AudioState::silence;
  // "fallback" only while listeners hear it: read() plays it when the station's buffer does not,
  // and a fallback that cannot play itself (missing file, still buffering) is silence.
  if (!station_plays && fallback_ && fallback_->buffer_.playing()) s.state = AudioState::fallback;
  return s;
}

void StationFeed::set_state(AudioState s, const std::string& err) {
  MutexLock lk(mu_);
  state_ = s;
  if (!err.empty()) last_error_ = err;
}

void StationFeed::sleep_interruptible(double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!stop_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void StationFeed::run() {
  int attempt = 0;
  while (!stop_) {
    Status st = session();
    if (stop_) break;
    if (st) {
      attempt = 0;  // a clean end (file looped, stream ended normally): reopen at once
      continue;
    }
    const double wait = backoff_.delay(attempt);
    log::warn("audio", "{}; retrying in {:.1f}s (attempt {})", st.error(), wait, attempt + 1);
    set_state(ever_connected_ ? AudioState::reconnecting : AudioState::connecting, st.error());
    {
      MutexLock lk(mu_);
      ++reconnects_;
    }
    ++attempt;
    if (backoff_.attempts > 0 && attempt >= backoff_.attempts) {
      log::error("audio", "giving up on {} after {} attempts; staying silent", redact_url(url_), attempt);
      set_state(AudioState::failed, st.error());
      return;
    }
    sleep_interruptible(wait);
  }
}

Status StationFeed::session() {
  const std::string shown = redact_url(url_);
  AVFormatContext* raw = avformat_alloc_context();
  raw->interrupt_callback = deadline_.callback();
  // A live mount delivers a burst and then real time: probing the default 1 MB would take
  // many seconds of silence. 32 KB holds enough MP3/AAC/Ogg frames to identify the stream.
  raw->format_probesize = 32 * 1024;
  raw->probesize = 64 * 1024;
  raw->max_analyze_duration = 500000;  // µs
  AVDictionary* opts = nullptr;
  if (live_) {
    av_dict_set(&opts, "icy", "1", 0);
    av_dict_set(&opts, "user_agent", user_agent().c_str(), 0);
    av_dict_set_int(&opts, "rw_timeout", static_cast<int64_t>(io_timeout_ * 1e6), 0);
    apply_tls_policy(&opts);
  }
  deadline_.arm(io_timeout_);
  take_libav_error();
  int err = avformat_open_input(&raw, url_.c_str(), nullptr, &opts);
  av_dict_free(&opts);
  if (err < 0) return Error{fmt::format("open audio '{}': {}", shown, deadline_.timed_out() ? "timed out" : describe_av_failure(err)), Errc::unavailable};
  InputPtr fmt(raw);
  deadline_.arm(io_timeout_);
  if ((err = avformat_find_stream_info(fmt.get(), nullptr)) < 0)
    return Error{fmt::format("probe audio '{}': {}", shown, av_error_string(err))};
  auto opened = open_decoder(fmt.get(), AVMEDIA_TYPE_AUDIO);
  if (!opened) return Error{fmt::format("audio '{}': {}", shown, opened.error()), Errc::invalid};
  const int stream = opened->stream;
  CodecCtxPtr dec = std::move(opened->ctx);

  log::info("audio", "connected to {} ({} {} Hz)", shown, dec->codec->name, dec->sample_rate);
  ever_connected_ = true;
  set_state(AudioState::connected);
  check_icy(fmt.get());
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  int decode_errors = 0;
  while (!stop_) {
    deadline_.arm(io_timeout_);
    err = av_read_frame(fmt.get(), pkt.get());
    if (err == AVERROR_EOF && !live_) {
      // A local file plays on a loop; a network stream ending is a fault to recover from.
      if (av_seek_frame(fmt.get(), -1, 0, AVSEEK_FLAG_BACKWARD) < 0) return Status::ok();
      avcodec_flush_buffers(dec.get());
      continue;
    }
    if (err < 0) {
      if (stop_) break;
      const std::string why = deadline_.timed_out() ? fmt::format("no data for {:.0f}s", io_timeout_)
                              : err == AVERROR_EOF ? "stream ended"
                                                   : av_error_string(err);
      return Error{fmt::format("audio '{}': {}", shown, why), Errc::unavailable};
    }
    if (live_) check_icy(fmt.get());
    if (pkt->stream_index == stream && avcodec_send_packet(dec.get(), pkt.get()) < 0 && ++decode_errors > 200)
      return Error{fmt::format("audio '{}': undecodable data", shown)};
    av_packet_unref(pkt.get());
    while (avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      decode_errors = 0;
      Status st = convert_and_buffer(frame.get());
      av_frame_unref(frame.get());
      if (!st) return st;
    }
  }
  return Status::ok();
}

Status StationFeed::convert_and_buffer(AVFrame* frame) {
  // (Re)build the resampler when the station's format changes (a new source on the mount).
  if (!swr_ || frame->sample_rate != swr_in_rate_ || frame->format != swr_in_fmt_ ||
      av_channel_layout_compare(&frame->ch_layout, &swr_in_layout_) != 0) {
    AVChannelLayout out_layout = AV_CHANNEL_LAYOUT_STEREO;
    AVChannelLayout in_layout{};
    if (frame->ch_layout.nb_channels > 0) av_channel_layout_copy(&in_layout, &frame->ch_layout);
    else av_channel_layout_default(&in_layout, 2);
    SwrContext* s = nullptr;
    int err = swr_alloc_set_opts2(&s, &out_layout, AV_SAMPLE_FMT_FLTP, rate_, &in_layout,
                                  static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr);
    swr_.reset(s);
    // A 5.1 or 7.1 source folded to stereo sums up to six channels: cap the matrix's gain so a
    // loud surround stream is downmixed, not clipped (mono and stereo sources are unaffected).
    if (err >= 0) err = av_opt_set_double(swr_.get(), "rematrix_maxval", 1.0, 0);
    if (err < 0 || (err = swr_init(swr_.get())) < 0) {
      av_channel_layout_uninit(&in_layout);
      return Error{fmt::format("audio resampler: {}", av_error_string(err))};
    }
    av_channel_layout_uninit(&swr_in_layout_);
    swr_in_layout_ = in_layout;
    swr_in_rate_ = frame->sample_rate;
    swr_in_fmt_ = frame->format;
    comp_delta_ = 0;
  }
  const int cap = swr_get_out_samples(swr_.get(), frame->nb_samples) + 256;
  if (cap > conv_cap_) {
    if (conv_) av_freep(&conv_[0]);
    av_freep(&conv_);
    av_samples_alloc_array_and_samples(&conv_, nullptr, kChannels, cap, AV_SAMPLE_FMT_FLTP, 0);
    conv_cap_ = cap;
  }
  int n = swr_convert(swr_.get(), conv_, conv_cap_, const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples);
  if (n < 0) return Error{fmt::format("audio resample: {}", av_error_string(n))};
  if (n > 0 && !buffer_.write(conv_, n, !live_, stop_)) return Status::ok();
  // Sound-card clocks differ: nudge the resampling ratio so the buffer stays near its target.
  if (live_ && (since_comp_ += n) >= rate_) {
    since_comp_ = 0;
    const int delta = pacing::compensation_samples(buffer_.level(), target_, rate_);
    if (delta != comp_delta_ && swr_set_compensation(swr_.get(), delta, rate_) >= 0) comp_delta_ = delta;
  }
  return Status::ok();
}

void StationFeed::check_icy(AVFormatContext* fmt) {
  if (!fmt->pb) return;
  uint8_t* value = nullptr;
  if (av_opt_get(fmt->pb, "icy_metadata_packet", AV_OPT_SEARCH_CHILDREN, &value) < 0 || !value) return;
  std::string packet(reinterpret_cast<char*>(value));
  av_free(value);
  if (packet.empty() || packet == last_icy_) return;
  last_icy_ = packet;
  auto title = icy_stream_title(packet);
  if (!title) return;
  {
    MutexLock lk(mu_);
    if (*title == icy_title_) return;
    icy_title_ = *title;
  }
  log::info("audio", "ICY StreamTitle: {}", *title);
  if (on_title_) on_title_(*title);
}

}  // namespace loopcast
