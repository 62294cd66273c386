#include "tests/support/flv_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/av.hpp"
extern "C" {
#include <libavutil/pixdesc.h>
}

namespace loopcast::test {
namespace {

Error av_fail(const std::string& what, const std::string& path, int err) {
  return Error{fmt::format("{} '{}': {}", what, path, av_error_string(err)), Errc::invalid};
}

Result<InputPtr> open_input(const std::string& path) {
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0) return av_fail("open", path, err);
  InputPtr in(raw);
  if (int err = avformat_find_stream_info(in.get(), nullptr); err < 0) return av_fail("probe", path, err);
  return in;
}

Result<CodecCtxPtr> open_decoder(const AVStream* st, const std::string& path) {
  const AVCodec* c = avcodec_find_decoder(st->codecpar->codec_id);
  if (!c) return Error{fmt::format("decode '{}': no decoder for {}", path, avcodec_get_name(st->codecpar->codec_id))};
  CodecCtxPtr d(avcodec_alloc_context3(c));
  avcodec_parameters_to_context(d.get(), st->codecpar);
  d->pkt_timebase = st->time_base;
  d->thread_count = 2;
  // Report bitstream damage as errors instead of concealing it quietly (decode() counts them).
  d->err_recognition |= AV_EF_CRCCHECK | AV_EF_BITSTREAM | AV_EF_BUFFER | AV_EF_EXPLODE;
  if (int err = avcodec_open2(d.get(), c, nullptr); err < 0) return av_fail("open decoder for", path, err);
  return d;
}

// Feeds one packet (nullptr = flush) and hands every frame that comes out to `on_frame`. Every
// error of the decoder (a refused packet, a failed receive, a frame flagged corrupt or concealed)
// is counted in s.decode_errors, the first one described; decoding goes on after it.
template <class F>
void decode(AVCodecContext* dec, const AVPacket* pkt, AVFrame* frame, StreamReport& s, double tb, F&& on_frame) {
  auto note = [&](const std::string& what) {
    if (s.decode_errors++ == 0) {
      const double pts = pkt && pkt->pts != AV_NOPTS_VALUE ? pkt->pts * tb : NAN;
      s.first_decode_error = pkt ? fmt::format("packet {} (pts {:.3f}): {}", s.dts.size() - 1, pts, what) : "flush: " + what;
    }
  };
  if (int err = avcodec_send_packet(dec, pkt); err < 0 && err != AVERROR_EOF) note("send: " + av_error_string(err));
  while (true) {
    const int err = avcodec_receive_frame(dec, frame);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
    if (err < 0) {
      note("receive: " + av_error_string(err));
      break;
    }
    if ((frame->flags & AV_FRAME_FLAG_CORRUPT) || frame->decode_error_flags)
      note(fmt::format("frame flagged corrupt (decode_error_flags {:#x})", frame->decode_error_flags));
    on_frame(frame);
    av_frame_unref(frame);
  }
}

// Thumbnails of a reference loop: decode errors there are not the recording's, only its frames matter.
template <class F>
void decode_quiet(AVCodecContext* dec, const AVPacket* pkt, AVFrame* frame, F&& on_frame) {
  StreamReport ignored;
  decode(dec, pkt, frame, ignored, 0, on_frame);
}

Thumb make_thumb(const AVFrame* f, SwsPtr& sws) {
  // Area-average down to 8x8 gray: a fingerprint of the picture that compression noise hardly moves.
  sws.reset(sws_getCachedContext(sws.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format), 8, 8,
                                 AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr));
  Thumb t{};
  uint8_t* dst[4] = {t.data(), nullptr, nullptr, nullptr};
  int stride[4] = {8, 0, 0, 0};
  sws_scale(sws.get(), f->data, f->linesize, 0, f->height, dst, stride);
  return t;
}

double mean_luma(const AVFrame* f, const Thumb& fallback) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(f->format));
  const bool y8_plane = d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->comp[0].plane == 0 && d->comp[0].depth == 8 && d->comp[0].step == 1;
  if (!y8_plane || f->width <= 0 || f->height <= 0) {  // RGB, packed or deep formats: the thumbnail is close enough
    double s = 0;
    for (uint8_t v : fallback) s += v;
    return s / fallback.size();
  }
  uint64_t sum = 0;
  for (int y = 0; y < f->height; ++y) {
    const uint8_t* row = f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0];
    uint32_t rs = 0;  // per-row sum fits easily; lets the compiler vectorise
    for (int x = 0; x < f->width; ++x) rs += row[x];
    sum += rs;
  }
  return static_cast<double>(sum) / (static_cast<double>(f->width) * f->height);
}


// RMS over all channels per whole second of audio; a trailing partial second is dropped.
struct RmsMeter {
  std::vector<double>* out;
  double acc = 0;
  int64_t n = 0;
  void add(const AVFrame* f) {
    const int channels = std::max(1, f->ch_layout.nb_channels);
    const int rate = f->sample_rate > 0 ? f->sample_rate : 44100;
    for (int i = 0; i < f->nb_samples; ++i) {
      for (int ch = 0; ch < channels; ++ch) {
        const double s = sample_at(f, ch, i, channels);
        acc += s * s;
      }
      if (++n == rate) {
        out->push_back(std::sqrt(acc / (static_cast<double>(n) * channels)));
        acc = 0;
        n = 0;
      }
    }
  }
};

void finish(StreamReport& s) {
  for (size_t i = 1; i < s.dts.size(); ++i) {
    const double gap = s.dts[i] - s.dts[i - 1];
    if (!(gap > 0) && s.dts_monotonic) {  // also catches a missing (NaN) dts
      s.dts_monotonic = false;
      s.first_violation = fmt::format("packet {}: dts {:.3f} after {:.3f}", i, s.dts[i], s.dts[i - 1]);
    }
    if (gap > s.max_dts_gap) s.max_dts_gap = gap;
  }
  for (size_t i = 1; i < s.keyframes.size(); ++i)
    s.max_keyframe_interval = std::max(s.max_keyframe_interval, s.keyframes[i] - s.keyframes[i - 1]);
}

double declared_fps(const AVStream* st) {
  if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0) return av_q2d(st->avg_frame_rate);
  if (st->r_frame_rate.num > 0 && st->r_frame_rate.den > 0) return av_q2d(st->r_frame_rate);
  return 0;
}
}  // namespace

Result<MediaReport> probe_media(const std::string& path, bool decode_video, bool decode_audio) {
  auto in = open_input(path);
  if (!in) return in.forward();
  AVFormatContext* ctx = in->get();
  const int vi = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const int ai = av_find_best_stream(ctx, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (vi < 0 && ai < 0) return Error{fmt::format("probe '{}': no audio or video stream", path), Errc::invalid};

  MediaReport r;
  CodecCtxPtr vdec, adec;
  if (vi >= 0) {
    const AVStream* st = ctx->streams[vi];
    r.video.codec = avcodec_get_name(st->codecpar->codec_id);
    r.video.width = st->codecpar->width;
    r.video.height = st->codecpar->height;
    r.video.fps = declared_fps(st);
    if (decode_video) {
      auto d = open_decoder(st, path);
      if (!d) return d.forward();
      vdec = std::move(*d);
    }
  }
  if (ai >= 0) {
    const AVStream* st = ctx->streams[ai];
    r.audio.codec = avcodec_get_name(st->codecpar->codec_id);
    r.audio.sample_rate = st->codecpar->sample_rate;
    r.audio.channels = st->codecpar->ch_layout.nb_channels;
    if (decode_audio) {
      auto d = open_decoder(st, path);
      if (!d) return d.forward();
      adec = std::move(*d);
    }
  }

  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  SwsPtr sws;
  RmsMeter rms{&r.audio_rms};
  const double vtb = vi >= 0 ? av_q2d(ctx->streams[vi]->time_base) : 0;
  auto on_video = [&](const AVFrame* f) {
    r.thumbs.push_back(make_thumb(f, sws));
    r.luma.push_back(mean_luma(f, r.thumbs.back()));
    r.thumb_pts.push_back(f->best_effort_timestamp == AV_NOPTS_VALUE ? NAN : f->best_effort_timestamp * vtb);
  };
  auto on_audio = [&](const AVFrame* f) { rms.add(f); };

  while (av_read_frame(ctx, pkt.get()) >= 0) {
    const int idx = pkt->stream_index;
    StreamReport* s = idx == vi ? &r.video : idx == ai ? &r.audio : nullptr;
    if (s) {
      const double tb = av_q2d(ctx->streams[idx]->time_base);
      const double dts = pkt->dts == AV_NOPTS_VALUE ? NAN : pkt->dts * tb;
      const double pts = pkt->pts == AV_NOPTS_VALUE ? dts : pkt->pts * tb;
      s->start = s->pts.empty() ? pts : std::min(s->start, pts);
      s->end = std::max(s->end, pts + pkt->duration * tb);
      s->dts.push_back(dts);
      s->pts.push_back(pts);
      if (idx == vi && (pkt->flags & AV_PKT_FLAG_KEY)) s->keyframes.push_back(pts);
      if (idx == vi && vdec) decode(vdec.get(), pkt.get(), frame.get(), r.video, tb, on_video);
      if (idx == ai && adec) decode(adec.get(), pkt.get(), frame.get(), r.audio, tb, on_audio);
    }
    av_packet_unref(pkt.get());
  }
  if (vdec) decode(vdec.get(), nullptr, frame.get(), r.video, vtb, on_video);
  if (adec) decode(adec.get(), nullptr, frame.get(), r.audio, 0, on_audio);
  finish(r.video);
  finish(r.audio);
  r.duration = std::max(r.video.end, r.audio.end);
  return r;
}

Result<std::vector<Thumb>> loop_thumbs(const std::string& path, int width, int height, int max_frames) {
  auto in = open_input(path);
  if (!in) return in.forward();
  AVFormatContext* ctx = in->get();
  const int vi = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (vi < 0) return Error{fmt::format("loop '{}': no video stream", path), Errc::invalid};
  auto dec = open_decoder(ctx->streams[vi], path);
  if (!dec) return dec.forward();

  // The engine's scale step (bilinear to the output size, yuv420p), so thumbnails compare like for like.
  FramePtr scaled;
  if (width > 0 && height > 0) {
    scaled = make_frame();
    scaled->format = AV_PIX_FMT_YUV420P;
    scaled->width = width;
    scaled->height = height;
    if (int err = av_frame_get_buffer(scaled.get(), 0); err < 0) return av_fail("scale", path, err);
  }
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  SwsPtr to_out, to_thumb;
  std::vector<Thumb> out;
  auto on_frame = [&](const AVFrame* f) {
    if (static_cast<int>(out.size()) >= max_frames) return;
    if (!scaled) {
      out.push_back(make_thumb(f, to_thumb));
      return;
    }
    to_out.reset(sws_getCachedContext(to_out.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format), width, height,
                                      AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
    sws_scale(to_out.get(), f->data, f->linesize, 0, f->height, scaled->data, scaled->linesize);
    out.push_back(make_thumb(scaled.get(), to_thumb));
  };
  while (static_cast<int>(out.size()) < max_frames && av_read_frame(ctx, pkt.get()) >= 0) {
    if (pkt->stream_index == vi) decode_quiet(dec->get(), pkt.get(), frame.get(), on_frame);
    av_packet_unref(pkt.get());
  }
  decode_quiet(dec->get(), nullptr, frame.get(), on_frame);
  if (out.empty()) return Error{fmt::format("loop '{}': no frame decoded", path), Errc::invalid};
  return out;
}

Result<std::vector<Thumb>> loop_thumbs(const std::string& path, int max_frames) { return loop_thumbs(path, 0, 0, max_frames); }

std::optional<int64_t> missing_frames(const StreamReport& s, double fps) {
  if (!(fps > 0)) return std::nullopt;
  int64_t missing = 0;
  for (size_t i = 1; i < s.dts.size(); ++i) {
    const double steps = (s.dts[i] - s.dts[i - 1]) * fps;
    const double whole = std::round(steps);
    if (!std::isfinite(steps) || whole < 1 || std::abs(steps - whole) > 0.1) return std::nullopt;  // FLV keeps ms: 1/30 s is 33 or 34 ms
    missing += static_cast<int64_t>(whole) - 1;
  }
  return missing;
}

double thumb_distance(const Thumb& a, const Thumb& b) {
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += std::abs(int(a[i]) - int(b[i]));
  return static_cast<double>(d) / a.size();
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

std::vector<std::pair<int, double>> loop_runs(const MediaReport& rep, const std::vector<std::vector<Thumb>>& loops) {
  std::vector<std::pair<int, double>> runs;
  for (size_t i = 0; i < rep.thumbs.size(); ++i) {
    const int id = classify(rep.thumbs[i], loops);
    if (runs.empty() || runs.back().first != id) runs.emplace_back(id, rep.thumb_pts[i]);
  }
  return runs;
}

bool keyframe_near(const StreamReport& video, double t, double tolerance) {
  for (double kf : video.keyframes)
    if (std::abs(kf - t) < tolerance) return true;
  return false;
}

double sample_at(const AVFrame* f, int ch, int i, int channels) {
  const auto fmt = static_cast<AVSampleFormat>(f->format);
  const bool planar = av_sample_fmt_is_planar(fmt);
  const uint8_t* base = f->extended_data[planar ? ch : 0];
  const int idx = planar ? i : i * channels + ch;
  switch (av_get_packed_sample_fmt(fmt)) {
    case AV_SAMPLE_FMT_U8: return (base[idx] - 128) / 128.0;
    case AV_SAMPLE_FMT_S16: return reinterpret_cast<const int16_t*>(base)[idx] / 32768.0;
    case AV_SAMPLE_FMT_S32: return reinterpret_cast<const int32_t*>(base)[idx] / 2147483648.0;
    case AV_SAMPLE_FMT_S64: return static_cast<double>(reinterpret_cast<const int64_t*>(base)[idx]) / 9223372036854775808.0;
    case AV_SAMPLE_FMT_FLT: return reinterpret_cast<const float*>(base)[idx];
    case AV_SAMPLE_FMT_DBL: return reinterpret_cast<const double*>(base)[idx];
    default: return 0;
  }
}

}  // namespace loopcast::test
