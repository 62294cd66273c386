#include "tests/support/flv_probe.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "engine/av.hpp"

namespace loopcast::test {
namespace {

Thumb make_thumb(const AVFrame* f, SwsPtr& sws) {
  // Scale to 8x8 gray: a robust fingerprint of the picture, insensitive to compression noise.
  sws.reset(sws_getCachedContext(sws.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format), 8, 8, AV_PIX_FMT_GRAY8,
                                 SWS_AREA, nullptr, nullptr, nullptr));
  Thumb t{};
  uint8_t* dst[4] = {t.data(), nullptr, nullptr, nullptr};
  int stride[4] = {8, 0, 0, 0};
  sws_scale(sws.get(), f->data, f->linesize, 0, f->height, dst, stride);
  return t;
}

void finish(StreamReport& s) {
  for (size_t i = 1; i < s.dts.size(); ++i) {
    const double gap = s.dts[i] - s.dts[i - 1];
    if (gap <= 0 && s.dts_monotonic) {
      s.dts_monotonic = false;
      s.first_violation = fmt::format("packet {}: dts {:.3f} after {:.3f}", i, s.dts[i], s.dts[i - 1]);
    }
    s.max_dts_gap = std::max(s.max_dts_gap, gap);
  }
  for (size_t i = 1; i < s.keyframes.size(); ++i)
    s.max_keyframe_interval = std::max(s.max_keyframe_interval, s.keyframes[i] - s.keyframes[i - 1]);
}
}  // namespace

Result<MediaReport> probe_media(const std::string& path, bool decode_video, bool decode_audio) {
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0)
    return Error{fmt::format("probe '{}': {}", path, av_error_string(err))};
  InputPtr fmt(raw);
  if (int err = avformat_find_stream_info(fmt.get(), nullptr); err < 0) return Error{fmt::format("probe '{}': {}", path, av_error_string(err))};
  MediaReport r;
  int vi = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  int ai = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  CodecCtxPtr vdec, adec;
  auto open_dec = [&](int idx) {
    const AVCodecParameters* par = fmt->streams[idx]->codecpar;
    const AVCodec* c = avcodec_find_decoder(par->codec_id);
    CodecCtxPtr d(avcodec_alloc_context3(c));
    avcodec_parameters_to_context(d.get(), par);
    d->thread_count = 2;
    avcodec_open2(d.get(), c, nullptr);
    return d;
  };
  if (vi >= 0) {
    const AVStream* st = fmt->streams[vi];
    r.video.codec = avcodec_get_name(st->codecpar->codec_id);
    r.video.width = st->codecpar->width;
    r.video.height = st->codecpar->height;
    r.video.fps = st->avg_frame_rate.den ? av_q2d(st->avg_frame_rate) : 0;
    if (decode_video) vdec = open_dec(vi);
  }
  if (ai >= 0) {
    const AVStream* st = fmt->streams[ai];
    r.audio.codec = avcodec_get_name(st->codecpar->codec_id);
    r.audio.sample_rate = st->codecpar->sample_rate;
    r.audio.channels = st->codecpar->ch_layout.nb_channels;
    if (decode_audio) adec = open_dec(ai);
  }
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  SwsPtr sws;
  double rms_acc = 0;
  int64_t rms_n = 0;
  auto drain_video = [&] {
    while (avcodec_receive_frame(vdec.get(), frame.get()) == 0) {
      r.thumbs.push_back(make_thumb(frame.get(), sws));
      r.thumb_pts.push_back(frame->best_effort_timestamp * av_q2d(fmt->streams[vi]->time_base));
      av_frame_unref(frame.get());
    }
  };
  auto drain_audio = [&] {
    while (avcodec_receive_frame(adec.get(), frame.get()) == 0) {
      // Planar float from the AAC decoder: RMS of channel 0 per second of audio.
      if (frame->format == AV_SAMPLE_FMT_FLTP) {
        const float* s = reinterpret_cast<const float*>(frame->extended_data[0]);
        for (int i = 0; i < frame->nb_samples; ++i) {
          rms_acc += s[i] * s[i];
          if (++rms_n == frame->sample_rate) {
            r.audio_rms.push_back(std::sqrt(rms_acc / rms_n));
            rms_acc = 0;
            rms_n = 0;
          }
        }
      }
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(fmt.get(), pkt.get()) >= 0) {
    const int idx = pkt->stream_index;
    StreamReport* s = idx == vi ? &r.video : idx == ai ? &r.audio : nullptr;
    if (s) {
      const double tb = av_q2d(fmt->streams[idx]->time_base);
      const double dts = pkt->dts == AV_NOPTS_VALUE ? NAN : pkt->dts * tb;
      const double pts = pkt->pts == AV_NOPTS_VALUE ? dts : pkt->pts * tb;
      if (s->dts.empty()) s->start = pts;
      s->start = std::min(s->start, pts);
      s->dts.push_back(dts);
      s->pts.push_back(pts);
      s->end = std::max(s->end, pts + pkt->duration * tb);
      if (idx == vi && (pkt->flags & AV_PKT_FLAG_KEY)) s->keyframes.push_back(pts);
      if (idx == vi && vdec) {
        avcodec_send_packet(vdec.get(), pkt.get());
        drain_video();
      }
      if (idx == ai && adec) {
        avcodec_send_packet(adec.get(), pkt.get());
        drain_audio();
      }
    }
    av_packet_unref(pkt.get());
  }
  if (vdec) {
    avcodec_send_packet(vdec.get(), nullptr);
    drain_video();
  }
  finish(r.video);
  finish(r.audio);
  r.duration = std::max(r.video.end, r.audio.end);
  return r;
}

Result<std::vector<Thumb>> loop_thumbs(const std::string& path, int width, int height, int max_frames) {
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0) return Error{av_error_string(err)};
  InputPtr fmt(raw);
  avformat_find_stream_info(fmt.get(), nullptr);
  int vi = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (vi < 0) return Error{"no video"};
  const AVCodecParameters* par = fmt->streams[vi]->codecpar;
  const AVCodec* c = avcodec_find_decoder(par->codec_id);
  CodecCtxPtr dec(avcodec_alloc_context3(c));
  avcodec_parameters_to_context(dec.get(), par);
  avcodec_open2(dec.get(), c, nullptr);
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame(), scaled = make_frame();
  scaled->format = AV_PIX_FMT_YUV420P;
  scaled->width = width;
  scaled->height = height;
  av_frame_get_buffer(scaled.get(), 0);
  SwsPtr to_out, to_thumb;
  std::vector<Thumb> out;
  auto drain = [&] {
    while (static_cast<int>(out.size()) < max_frames && avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      to_out.reset(sws_getCachedContext(to_out.release(), frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), width,
                                        height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
      sws_scale(to_out.get(), frame->data, frame->linesize, 0, frame->height, scaled->data, scaled->linesize);
      out.push_back(make_thumb(scaled.get(), to_thumb));
      av_frame_unref(frame.get());
    }
  };
  while (static_cast<int>(out.size()) < max_frames && av_read_frame(fmt.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == vi) {
      avcodec_send_packet(dec.get(), pkt.get());
      drain();
    }
    av_packet_unref(pkt.get());
  }
  avcodec_send_packet(dec.get(), nullptr);
  drain();
  return out;
}

double thumb_distance(const Thumb& a, const Thumb& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += std::abs(int(a[i]) - int(b[i]));
  return d / a.size();
}

int classify(const Thumb& t, const std::vector<std::vector<Thumb>>& loops, double* best_distance) {
  int best = -1;
  double best_d = std::numeric_limits<double>::max();
  for (size_t i = 0; i < loops.size(); ++i)
    for (const auto& ref : loops[i])
      if (double d = thumb_distance(t, ref); d < best_d) {
        best_d = d;
        best = static_cast<int>(i);
      }
  if (best_distance) *best_distance = best_d;
  return best;
}

}  // namespace loopcast::test
