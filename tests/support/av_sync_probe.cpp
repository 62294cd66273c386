#include "tests/support/av_sync_probe.hpp"
#include "tests/support/flv_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "base/av.hpp"

namespace loopcast::test {
namespace {

Result<CodecCtxPtr> open_decoder(const AVStream* st, const std::string& path) {
  const AVCodec* c = avcodec_find_decoder(st->codecpar->codec_id);
  if (!c) return Error{fmt::format("sync probe '{}': no decoder for {}", path, avcodec_get_name(st->codecpar->codec_id))};
  CodecCtxPtr d(avcodec_alloc_context3(c));
  avcodec_parameters_to_context(d.get(), st->codecpar);
  d->pkt_timebase = st->time_base;
  d->thread_count = 1;  // small pictures; one thread keeps the frames strictly in order and cheap
  if (int err = avcodec_open2(d.get(), c, nullptr); err < 0)
    return Error{fmt::format("sync probe '{}': open decoder: {}", path, av_error_string(err))};
  return d;
}

int count_lit(const AVFrame* f, const LitRegion& r) {
  const int x0 = std::max(0, r.x), y0 = std::max(0, r.y);
  const int x1 = std::min(f->width, r.x + r.width), y1 = std::min(f->height, r.y + r.height);
  int lit = 0;
  for (int y = y0; y < y1; ++y) {
    const uint8_t* row = f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0];
    for (int x = x0; x < x1; ++x) lit += row[x] >= r.min_luma;
  }
  return lit;
}

template <class F>
void drain(AVCodecContext* dec, const AVPacket* pkt, AVFrame* frame, F&& on_frame) {
  avcodec_send_packet(dec, pkt);
  while (avcodec_receive_frame(dec, frame) == 0) {
    on_frame(frame);
    av_frame_unref(frame);
  }
}
}  // namespace

Result<SyncRecording> decode_for_sync(const std::string& path, const LitRegion& region) {
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0)
    return Error{fmt::format("sync probe: open '{}': {}", path, av_error_string(err))};
  InputPtr in(raw);
  if (int err = avformat_find_stream_info(in.get(), nullptr); err < 0)
    return Error{fmt::format("sync probe: probe '{}': {}", path, av_error_string(err))};
  const int ai = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  const int vi = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (ai < 0) return Error{fmt::format("sync probe '{}': no audio stream", path)};
  auto adec = open_decoder(in->streams[ai], path);
  if (!adec) return Error{adec.error()};
  CodecCtxPtr vdec;
  SyncRecording rec;
  if (vi >= 0) {
    auto d = open_decoder(in->streams[vi], path);
    if (!d) return Error{d.error()};
    vdec = std::move(*d);
    }
  const double atb = av_q2d(in->streams[ai]->time_base);
  const double vtb = vi >= 0 ? av_q2d(in->streams[vi]->time_base) : 0;

  // Audio frames laid end to end: (first sample index, timestamp) per frame, to fit `start` after.
  std::vector<std::pair<int64_t, double>> frame_times;
  auto on_audio = [&](const AVFrame* f) {
    if (rec.audio.rate == 0) rec.audio.rate = f->sample_rate;
    const int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    if (ts != AV_NOPTS_VALUE) frame_times.emplace_back(static_cast<int64_t>(rec.audio.samples.size()), ts * atb);
    const int channels = std::max(1, f->ch_layout.nb_channels);
    for (int i = 0; i < f->nb_samples; ++i) {
      double sum = 0;
      for (int ch = 0; ch < channels; ++ch) sum += sample_at(f, ch, i, channels);
      rec.audio.samples.push_back(static_cast<float>(sum / channels));
    }
  };
  auto on_video = [&](const AVFrame* f) {
    const int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    rec.video.pts.push_back(ts == AV_NOPTS_VALUE ? NAN : ts * vtb);
    rec.video.lit.push_back(count_lit(f, region));
  };

  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == ai) drain(adec->get(), pkt.get(), frame.get(), on_audio);
    if (pkt->stream_index == vi && vdec) drain(vdec.get(), pkt.get(), frame.get(), on_video);
    av_packet_unref(pkt.get());
  }
  drain(adec->get(), nullptr, frame.get(), on_audio);
  if (vdec) drain(vdec.get(), nullptr, frame.get(), on_video);

  rec.video.fps = frame_rate_of(rec.video.pts);
  FrameGrid grid = fit_frame_grid(rec.video.pts, rec.video.fps, 0.002);
  if (!grid.time.empty()) {
    rec.video.fps = 1 / grid.period;
    rec.video.time = std::move(grid.time);
  }
  if (rec.audio.rate <= 0 || frame_times.empty()) return Error{fmt::format("sync probe '{}': no audio decoded", path)};
  double sum = 0;
  for (const auto& [n, t] : frame_times) sum += t - static_cast<double>(n) / rec.audio.rate;
  rec.audio.start = sum / static_cast<double>(frame_times.size());
  for (const auto& [n, t] : frame_times)
    if (std::abs(t - rec.audio.time_of(n)) > 0.005)
      return Error{fmt::format("sync probe '{}': audio frame at {:.4f} s lies {:.1f} ms off a continuous layout (a hole or an overlap)",
                               path, t, (t - rec.audio.time_of(n)) * 1000)};
  return rec;
}

double frame_rate_of(const std::vector<double>& pts) {
  std::vector<double> steps;
  for (size_t i = 1; i < pts.size(); ++i) steps.push_back(pts[i] - pts[i - 1]);
  if (steps.empty()) return 0;
  std::vector<double> sorted = steps;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(sorted.size() / 2), sorted.end());
  const double median = sorted[sorted.size() / 2];
  double sum = 0;
  int n = 0;
  for (double s : steps)
    if (s > 0.5 * median && s < 1.5 * median) sum += s, ++n;
  return n > 0 && sum > 0 ? n / sum : 0;
}

FrameGrid fit_frame_grid(const std::vector<double>& pts, double fps, double max_residual) {
  FrameGrid g;
  if (!(fps > 0) || pts.size() < 2) return g;
  std::vector<double> slot(pts.size());
  double ms = 0, mt = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (!std::isfinite(pts[i])) return g;
    slot[i] = std::round((pts[i] - pts[0]) * fps);
    ms += slot[i];
    mt += pts[i];
  }
  ms /= static_cast<double>(pts.size());
  mt /= static_cast<double>(pts.size());
  double cov = 0, var = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    cov += (slot[i] - ms) * (pts[i] - mt);
    var += (slot[i] - ms) * (slot[i] - ms);
  }
  if (!(var > 0)) return g;
  g.period = cov / var;
  g.start = mt - g.period * ms;
  std::vector<double> time(pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    time[i] = g.start + slot[i] * g.period;
    if (!(std::abs(time[i] - pts[i]) <= max_residual)) return g;
  }
  g.time = std::move(time);
  return g;
}

std::vector<int64_t> click_onsets(const std::vector<float>& x, float level, int64_t quiet) {
  std::vector<int64_t> out;
  int64_t below = 0;  // samples below `level` in a row just before i
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::fabs(x[i]) >= level) {
      if (below >= quiet) out.push_back(static_cast<int64_t>(i));
      below = 0;
    } else {
      ++below;
    }
  }
  return out;
}

std::vector<size_t> flash_frames(const std::vector<int>& lit, int min_lit, int quiet) {
  std::vector<size_t> out;
  int below = 0;
  for (size_t i = 0; i < lit.size(); ++i) {
    if (lit[i] >= min_lit) {
      if (below >= quiet) out.push_back(i);
      below = 0;
    } else {
      ++below;
    }
  }
  return out;
}

std::optional<size_t> first_frame_after(const std::vector<double>& pts, double t) {
  for (size_t i = 0; i < pts.size(); ++i)
    if (pts[i] > t) return i;
  return std::nullopt;
}

std::vector<ClickSync> match_clicks(const std::vector<double>& clicks, const std::vector<size_t>& flashes,
                                    const std::vector<double>& frame_pts, double window_s) {
  std::vector<ClickSync> out;
  for (double c : clicks) {
    ClickSync s;
    s.click = c;
    s.expected = first_frame_after(frame_pts, c);
    for (size_t f : flashes) {
      if (f >= frame_pts.size()) continue;
      const double t = frame_pts[f];
      if (t >= c - window_s && t <= c + window_s) {
        s.flash = f;
        break;
      }
    }
    if (s.flash) s.offset = frame_pts[*s.flash] - c;
    if (s.flash && s.expected) s.frame_error = static_cast<int64_t>(*s.flash) - static_cast<int64_t>(*s.expected);
    out.push_back(s);
  }
  return out;
}

std::vector<float> click_track(int64_t length, int64_t first, int64_t period, int64_t burst, float amp) {
  std::vector<float> x(static_cast<size_t>(std::max<int64_t>(0, length)), 0.f);
  if (period <= 0) return x;
  for (int64_t at = first; at < length; at += period)
    for (int64_t k = 0; k < burst && at + k < length; ++k)
      x[static_cast<size_t>(at + k)] = amp * static_cast<float>(std::cos(2 * M_PI * static_cast<double>(k) / 8));
  return x;
}

bool write_wav(const std::string& path, const std::vector<float>& mono, int rate) {
  std::ofstream o(path, std::ios::binary);
  if (!o) return false;
  auto u32 = [&](uint32_t v) { o.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { o.write(reinterpret_cast<const char*>(&v), 2); };
  const auto bytes = static_cast<uint32_t>(mono.size() * 4);  // 2 channels x 16 bits
  o.write("RIFF", 4), u32(36 + bytes), o.write("WAVEfmt ", 8), u32(16), u16(1), u16(2);
  u32(static_cast<uint32_t>(rate)), u32(static_cast<uint32_t>(rate) * 4), u16(4), u16(16), o.write("data", 4), u32(bytes);
  for (float v : mono) {
    const auto s = static_cast<int16_t>(std::lround(std::clamp(v, -1.f, 1.f) * 32767));
    u16(static_cast<uint16_t>(s)), u16(static_cast<uint16_t>(s));
  }
  return static_cast<bool>(o);
}

}  // namespace loopcast::test
