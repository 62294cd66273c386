#include "engine/input/station_feed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "engine/input/icy.hpp"
#include "base/log.hpp"
#include "engine/pacing.hpp"
#include "base/redact.hpp"
#include "base/version.hpp"
#include "base/url.hpp"
#include "engine/input/decoder.hpp"
#include "engine/input/open_input.hpp"
#include "engine/audio/fade.hpp"

namespace loopcast {
namespace {
constexpr int kChannels = 2;
// Icecast sends a burst at connect (its burst-size, 64 KB by default: 4 s at 128 kb/s, 8 s at
// 64 kb/s). The live buffer has room for it above the target, so no second of it is lost.
constexpr double kConnectBurstS = 10.0;
constexpr int kMaxChunk = 8192;  // largest read() the crossfade scratch serves (an AAC frame is 1024)
}

StationFeed::StationFeed(std::string url, const StationOptions& opt, TitleHandler on_title,
                         std::unique_ptr<StationFeed> fallback)
    : url_(std::move(url)),
      live_(is_network_url(url_)),
      rate_(opt.sample_rate),
      io_timeout_(opt.io_timeout),
      target_(opt.audio_buffer),
      backoff_(opt.backoff),
      on_title_(std::move(on_title)),
      fallback_(std::move(fallback)),
      buffer_(opt.sample_rate, kChannels, opt.audio_buffer, live_ ? opt.audio_buffer + kConnectBurstS : opt.audio_buffer * 2) {
  if (fallback_) {
    cross_l_.resize(kMaxChunk);
    cross_r_.resize(kMaxChunk);
  }
}

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

// The station plays when its buffer does, else the fallback. Where one takes over from the other
// they crossfade (equal power) over the buffer's fade length, aligned with its own fades: the
// station's refill fade-in, or the fade-out of its last samples before it ran dry.
void StationFeed::read(uint8_t* const* planes, int samples) {
  auto* const* out = reinterpret_cast<float* const*>(planes);
  if (!fallback_) {
    buffer_.read(planes, samples);
    return;
  }
  if (!buffer_.playing()) {
    fallback_->read(planes, samples);
    buffer_.read(planes, 0);  // lets the buffer notice its refill without consuming
    station_on_air_ = false;
    return;
  }
  const bool was_fallback = !station_on_air_;
  const int got = buffer_.read(planes, samples);
  station_on_air_ = buffer_.playing();
  if (was_fallback) crossfade_from_fallback(out, samples);
  if (!station_on_air_) crossfade_to_fallback(out, samples, got);
}

// The station's first samples fade in: the fallback fades out under them.
void StationFeed::crossfade_from_fallback(float* const* out, int samples) {
  const int n = std::min({buffer_.fade_len(), samples, kMaxChunk});
  float* cross[kChannels] = {cross_l_.data(), cross_r_.data()};
  fallback_->read(reinterpret_cast<uint8_t* const*>(cross), n);
  fade::apply_out(cross, kChannels, 0, n, 0, buffer_.fade_len());
  fade::mix(out, cross, kChannels, 0, n);
}

// The station ran dry: its last `fade_len` samples (ending at `got`) fade out, the fallback fades in
// under them and plays the rest of the chunk.
void StationFeed::crossfade_to_fallback(float* const* out, int samples, int got) {
  const int fade = buffer_.fade_len();
  const int from = std::max(0, got - fade);
  const int n = std::min(samples - from, kMaxChunk);
  float* cross[kChannels] = {cross_l_.data(), cross_r_.data()};
  fallback_->read(reinterpret_cast<uint8_t* const*>(cross), n);
  fade::apply_in(cross, kChannels, 0, n, fade - (got - from), fade);
  fade::mix(out, cross, kChannels, from, n);
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
  InputOptions opt;
  opt.timeout_s = io_timeout_;
  // A live mount delivers a burst and then real time: probing the default 1 MB would take
  // many seconds of silence. 32 KB holds enough MP3/AAC/Ogg frames to identify the stream.
  opt.format_probesize = 32 * 1024;
  opt.probesize = 64 * 1024;
  opt.max_analyze_duration_us = 500000;
  if (live_) {
    opt.tls = true;
    opt.options = {{"icy", "1"}, {"user_agent", user_agent()}, {"rw_timeout", std::to_string(static_cast<int64_t>(io_timeout_ * 1e6))}};
  }
  auto in = open_input(url_, deadline_, opt);
  if (!in) return Error{fmt::format("open audio '{}': {}", shown, in.error()), Errc::unavailable};
  InputPtr fmt = std::move(*in);
  auto opened = open_decoder(fmt.get(), AVMEDIA_TYPE_AUDIO);
  if (!opened) return Error{fmt::format("audio '{}': {}", shown, opened.error()), Errc::invalid};
  const int stream = opened->stream;
  CodecCtxPtr dec = std::move(opened->ctx);

  log::info("audio", "connected to {} ({} {} Hz)", shown, dec->codec->name, dec->sample_rate);
  ever_connected_ = true;
  session_starts_ = true;
  set_state(AudioState::connected);
  check_icy(fmt.get(), 0);
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  int decode_errors = 0;
  while (!stop_) {
    deadline_.arm(io_timeout_);
    int err = av_read_frame(fmt.get(), pkt.get());
    if (err == AVERROR_EOF && !live_) {
      // A local file plays on a loop; a network stream ending is a fault to recover from.
      if (av_seek_frame(fmt.get(), -1, 0, AVSEEK_FLAG_BACKWARD) < 0) return Status::ok();
      avcodec_flush_buffers(dec.get());
      session_starts_ = true;  // the file's start does not continue its end
      continue;
    }
    if (err < 0) {
      if (stop_) break;
      const std::string why = deadline_.timed_out() ? fmt::format("no data for {:.0f}s", io_timeout_)
                              : err == AVERROR_EOF ? "stream ended"
                                                   : av_error_string(err);
      return Error{fmt::format("audio '{}': {}", shown, why), Errc::unavailable};
    }
    if (live_) check_icy(fmt.get(), pkt->size);
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
  if (n > 0 && session_starts_) {
    buffer_.mark_discontinuity();  // the audio before came from another connection (or pass)
    session_starts_ = false;
  }
  if (n > 0 && !buffer_.write(conv_, n, !live_, stop_)) return Status::ok();
  // Sound-card clocks differ: nudge the resampling ratio so the buffer stays near its target.
  if (live_ && (since_comp_ += n) >= rate_) {
    since_comp_ = 0;
    const int delta = pacing::compensation_samples(buffer_.level(), target_, rate_);
    if (delta != comp_delta_ && swr_set_compensation(swr_.get(), delta, rate_) >= 0) comp_delta_ = delta;
  }
  return Status::ok();
}

// Where the title sits in the audio: Icecast puts a metadata block every icy-metaint bytes of audio
// (libavformat's http strips it, so the AVIO byte position counts audio bytes only). The title
// parsed last belongs at the last such boundary before the bytes received; what lies between the
// bytes already decoded and that boundary is still to be decoded, at the stream's bit rate.
double StationFeed::title_heard_in(AVFormatContext* fmt, int pending_bytes) const {
  double s = buffer_.level();
  uint8_t* headers = nullptr;
  int64_t metaint = 0;
  if (av_opt_get(fmt->pb, "icy_metadata_headers", AV_OPT_SEARCH_CHILDREN, &headers) >= 0 && headers) {
    const std::string h(reinterpret_cast<char*>(headers));
    if (auto at = h.find("icy-metaint:"); at != std::string::npos) metaint = std::atoll(h.c_str() + at + 12);
    av_free(headers);
  }
  int64_t bit_rate = fmt->bit_rate;
  for (unsigned i = 0; i < fmt->nb_streams && bit_rate <= 0; ++i) bit_rate = fmt->streams[i]->codecpar->bit_rate;
  if (metaint > 0 && bit_rate > 0 && fmt->pb->pos > 0) {
    const int64_t boundary = (fmt->pb->pos - 1) / metaint * metaint;
    const int64_t decoded_to = avio_tell(fmt->pb) - pending_bytes;
    s += static_cast<double>(boundary - decoded_to) * 8.0 / static_cast<double>(bit_rate);
  }
  return std::max(0.0, s);
}

void StationFeed::check_icy(AVFormatContext* fmt, int pending_bytes) {
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
  const double heard_in = title_heard_in(fmt, pending_bytes);
  log::info("audio", "ICY StreamTitle: {} (heard in {:.2f}s)", *title, heard_in);
  if (on_title_) on_title_(*title, heard_in);
}

}  // namespace loopcast
