#include "engine/input/loop_source.hpp"


#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "base/log.hpp"
#include "engine/input/decoder.hpp"
#include "engine/input/open_input.hpp"
#include "engine/input/orientation.hpp"
#include "engine/picture/colorspace.hpp"
#include "base/redact.hpp"
#include "base/url.hpp"

namespace loopcast {

Result<std::unique_ptr<LoopSource>> LoopSource::open(const std::string& path, const VideoFormat& out) {
  std::unique_ptr<LoopSource> src(new LoopSource());
  if (Status st = src->init(path, out); !st) return st.forward();
  return src;
}

LoopSource::~LoopSource() = default;

Status LoopSource::init(const std::string& path, const VideoFormat& out) {
  path_ = path;
  out_ = out;
  auto fail = [&](const std::string& what, Errc code = Errc::invalid) {
    return Error{fmt::format("open loop '{}': {}", is_network_url(path) ? redact_url(path) : path, what), code};
  };
  InputOptions opt;
  opt.tls = true;  // a loop may be an https:// URL
  auto opened = open_input(path, deadline_, opt);
  if (!opened) return fail(opened.error(), opened.code() == Errc::not_found ? Errc::not_found : Errc::invalid);
  fmt_ = std::move(*opened);
  // Only the picture matters: audio and other tracks of the loop file are never read.
  // One thread: loops are small; the encoder needs the cores.
  auto dec = open_decoder(fmt_.get(), AVMEDIA_TYPE_VIDEO, 1);
  if (!dec) return fail(dec.error());
  stream_ = dec->stream;
  dec_ = std::move(dec->ctx);
  AVStream* st = fmt_->streams[stream_];
  tb_ = st->time_base;
  stream_rotation_ = stream_rotation(st);
  fit_ = std::make_unique<FitScaler>(out.width, out.height, out.fit);
  AVRational rate = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) frame_dur_ = av_q2d(av_inv_q(rate));
  if (!decode_next()) return fail("no decodable video frame");
  convert_into_current(next_.get());
  have_next_ = decode_next();  // a one-frame file (a still) simply stays on that frame
  return Status::ok();
}

bool LoopSource::rewind() {
  // Seek to the very start; AVSEEK_FLAG_BACKWARD lands on the keyframe at or before it.
  int err = av_seek_frame(fmt_.get(), stream_, first_pts_ == AV_NOPTS_VALUE ? 0 : first_pts_, AVSEEK_FLAG_BACKWARD);
  if (err < 0) err = avformat_seek_file(fmt_.get(), -1, INT64_MIN, 0, INT64_MAX, 0);
  if (err < 0) {
    log::warn("loop", "rewind '{}' failed: {}", path_, av_error_string(err));
    ++errors_;
    return false;
  }
  avcodec_flush_buffers(dec_.get());
  // A pass is a whole number of frames: the last frame's duration rounded to the time base (16 or
  // 17 ms at 60 fps in Matroska) would otherwise move every later pass off the output grid, a
  // little further each time, until a frame is repeated and the next skipped.
  double pass = pass_end_ - offset_;
  if (const double frames = std::round(pass / frame_dur_); frames >= 1 && std::abs(pass - frames * frame_dur_) < frame_dur_ / 2)
    pass = frames * frame_dur_;
  offset_ += pass > 0 ? pass : frame_dur_;
  eof_ = false;
  ++wraps_;
  return true;
}

bool LoopSource::decode_next() {
  // Two passes at most: the rest of this pass, then one fresh pass after a rewind.
  for (int guard = 0; guard < 1 << 16; ++guard) {
    int err = avcodec_receive_frame(dec_.get(), next_.get());
    if (err == 0) {
      int64_t pts = next_->best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE) pts = next_->pts;
      if (first_pts_ == AV_NOPTS_VALUE) first_pts_ = pts == AV_NOPTS_VALUE ? 0 : pts;
      double local = pts == AV_NOPTS_VALUE ? pass_end_ - offset_ : (pts - first_pts_) * av_q2d(tb_);
      double t = offset_ + local;
      // A file whose timestamps go backwards within a pass must not move our timeline back.
      if (decoded_ > 0 && t < next_t_) t = next_t_ + frame_dur_;
      next_t_ = t;
      double dur = next_->pkt_duration > 0 ? next_->pkt_duration * av_q2d(tb_) : frame_dur_;
      pass_end_ = t + dur;
      ++decoded_;
      empty_passes_ = 0;
      return true;
    }
    if (err == AVERROR_EOF) {
      if (++empty_passes_ > 2 || !rewind()) return false;
      continue;
    }
    if (err != AVERROR(EAGAIN)) {
      ++errors_;  // a corrupt frame: skip it, keep the loop going
      continue;
    }
    if (eof_) {
      avcodec_send_packet(dec_.get(), nullptr);  // drain the decoder's delayed frames
      continue;
    }
    err = av_read_frame(fmt_.get(), pkt_.get());
    if (err < 0) {
      if (err != AVERROR_EOF) {
        ++errors_;
        log::warn("loop", "read '{}': {} (rewinding)", path_, av_error_string(err));
      }
      eof_ = true;
      continue;
    }
    if (pkt_->stream_index == stream_) {
      if (avcodec_send_packet(dec_.get(), pkt_.get()) < 0) ++errors_;
    }
    av_packet_unref(pkt_.get());
  }
  return false;
}

PictureShape LoopSource::shape_of(const AVFrame* f) const {
  // The container's pixel aspect when it gives one (MP4 'pasp', Matroska display size), else the
  // bitstream's: what players show.
  const AVRational sar = av_guess_sample_aspect_ratio(fmt_.get(), fmt_->streams[stream_], const_cast<AVFrame*>(f));
  return PictureShape{f->width, f->height, sar.num, sar.den, stream_rotation_ ? *stream_rotation_ : frame_rotation(f).value_or(0)};
}

void LoopSource::convert_into_current(AVFrame* src) {
  const PictureShape shape = shape_of(src);
  const bool same = src->format == out_.pix_fmt && is_output_colorspace(src) && fit_->plan(shape).is_identity(out_.width, out_.height) &&
                    (shape.sar_num <= 0 || shape.sar_num == shape.sar_den);
  if (same) {
    av_frame_unref(current_.get());
    av_frame_move_ref(current_.get(), src);
  } else {
    if (!current_->data[0] || current_->width != out_.width || current_->height != out_.height) {
      av_frame_unref(current_.get());
      current_->width = out_.width;
      current_->height = out_.height;
      current_->format = out_.pix_fmt;
      av_frame_get_buffer(current_.get(), 0);
    }
    // The encoder may still hold a reference to the previous picture: never scribble on it.
    av_frame_make_writable(current_.get());
    if (Status st = fit_->draw(src, shape, current_.get()); !st) {
      ++errors_;  // the previous picture stays on air; said once, not 30 times a second
      if (!draw_warned_) log::warn("loop", "'{}': {}", path_, st.error());
      draw_warned_ = true;
    }
    av_frame_unref(src);
  }
  current_->pict_type = AV_PICTURE_TYPE_NONE;  // the source's frame types must not steer the encoder
}

std::unique_ptr<LoopSource> LoopSource::still(std::string name, FramePtr picture) {
  std::unique_ptr<LoopSource> s(new LoopSource());
  s->path_ = std::move(name);
  s->current_ = std::move(picture);
  s->still_ = true;
  return s;
}

const AVFrame* LoopSource::frame_at(double t) {
  // Decode at the file's rate, convert at most once per output frame: only the latest due
  // frame is converted, frames overtaken by the clock are skipped raw. A frame is due when its
  // time is at most 1 ms after t. Strictly "at or before t" let a frame whose time is a hair past
  // the grid (a 1/1000 time base rounds 66.67 ms up to 67) wait one frame, then be overtaken: a
  // repeat and a skip, visible judder. Rounding to the nearest output frame instead puts the
  // boundary half-way, exactly where every odd frame of 60 fps into 30 (and of 24 into 30) lies,
  // so the same rounding noise flips the choice from frame to frame. 1 ms is above any time base's
  // rounding and far below the gap to the next frame: 60 → 30 shows 0, 2, 4..., 24 → 30 keeps one cadence.
  constexpr double kGridSlack = 0.001;
  const double due = t + kGridSlack;
  bool staged = false;
  while (have_next_ && next_t_ <= due) {
    av_frame_unref(staged_.get());
    av_frame_move_ref(staged_.get(), next_.get());
    staged = true;
    have_next_ = decode_next();
  }
  if (staged) convert_into_current(staged_.get());
  repeated_ = !staged;
  return current_.get();
}

}  // namespace loopcast
