#include "engine/encoder.hpp"

#include <fmt/format.h>

#include <cmath>

namespace loopcast {

void set_stream_picture(AVCodecContext* c, const EngineConfig& cfg) {
  c->width = cfg.width;
  c->height = cfg.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, cfg.fps};
  c->framerate = AVRational{cfg.fps, 1};
  c->sample_aspect_ratio = AVRational{1, 1};
  c->bit_rate = cfg.video_bitrate;
  c->color_range = AVCOL_RANGE_MPEG;
  c->colorspace = AVCOL_SPC_BT709;
  c->color_primaries = AVCOL_PRI_BT709;
  c->color_trc = AVCOL_TRC_BT709;
}

namespace {
// Keyframes exactly every GOP and closed, CBR-like rate control (YouTube checks both), for any codec.
void set_stream_rate(AVCodecContext* c, const EngineConfig& cfg, int max_b_frames) {
  c->gop_size = std::max(1, static_cast<int>(std::lround(cfg.keyframe_interval * cfg.fps)));
  c->keyint_min = c->gop_size;
  c->max_b_frames = max_b_frames;
  c->rc_max_rate = cfg.video_bitrate;
  c->rc_buffer_size = static_cast<int>(cfg.video_bitrate * 2);
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_CLOSED_GOP;
}
}  // namespace

Result<Encoder> Encoder::video(const EngineConfig& cfg) {
  if (cfg.codec == VideoCodec::hevc) return hevc(cfg);
  // Keyframes exactly every GOP (YouTube checks the interval), HRD signalled as CBR.
  return h264(cfg, VideoTuning{cfg.preset, "scenecut=0:nal-hrd=cbr:force-cfr=1", 2, cfg.x264_threads});
}

Result<Encoder> Encoder::hevc(const EngineConfig& cfg) { return hevc(cfg, VideoTuning{cfg.preset, "", 2, 0}); }

Result<Encoder> Encoder::tuned(const EngineConfig& cfg, const VideoTuning& tuning) {
  return cfg.codec == VideoCodec::hevc ? hevc(cfg, tuning) : h264(cfg, tuning);
}

Result<Encoder> Encoder::h264(const EngineConfig& cfg, const VideoTuning& tuning) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) return Error{"H.264 encoder libx264 not available in this FFmpeg build", Errc::unavailable};
  Encoder e;
  e.ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = e.ctx_.get();
  set_stream_picture(c, cfg);
  set_stream_rate(c, cfg, tuning.max_b_frames);
  c->thread_count = tuning.threads;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", tuning.preset.c_str(), 0);
  av_dict_set(&opts, "forced-idr", "1", 0);
  av_dict_set(&opts, "x264-params", tuning.params.c_str(), 0);
  int err = avcodec_open2(c, codec, &opts);
  av_dict_free(&opts);
  if (err < 0) return Error{fmt::format("open H.264 encoder ({}x{}@{}): {}", cfg.width, cfg.height, cfg.fps, av_error_string(err)), Errc::invalid};
  return e;
}

Result<Encoder> Encoder::hevc(const EngineConfig& cfg, const VideoTuning& tuning) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx265");
  if (!codec) return Error{"HEVC encoder libx265 not available in this FFmpeg build", Errc::unavailable};
  Encoder e;
  e.ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = e.ctx_.get();
  set_stream_picture(c, cfg);
  set_stream_rate(c, cfg, tuning.max_b_frames);
  const int gop = c->gop_size;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", tuning.preset.c_str(), 0);  // x265 has x264's preset names
  av_dict_set(&opts, "forced-idr", "1", 0);
  // Keyframes exactly every GOP and closed (YouTube's HLS ingest takes closed GOPs only); the
  // parameter sets in-band at every keyframe as well as in the global header; no x265 banner.
  const std::string params = fmt::format("keyint={0}:min-keyint={0}:scenecut=0:open-gop=0:repeat-headers=1:log-level=error:bframes={1}{2}",
                                         gop, tuning.max_b_frames, tuning.params.empty() ? "" : ":" + tuning.params);
  av_dict_set(&opts, "x265-params", params.c_str(), 0);
  int err = avcodec_open2(c, codec, &opts);
  av_dict_free(&opts);
  if (err < 0)
    return Error{fmt::format("open HEVC encoder ({}x{}@{}): {}", cfg.width, cfg.height, cfg.fps, av_error_string(err)), Errc::invalid};
  return e;
}

Result<Encoder> Encoder::audio(const EngineConfig& cfg) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) return Error{"AAC encoder not available", Errc::unavailable};
  Encoder e;
  e.ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = e.ctx_.get();
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  c->sample_rate = cfg.sample_rate;
  c->ch_layout = AV_CHANNEL_LAYOUT_STEREO;
  c->bit_rate = cfg.audio_bitrate;
  c->time_base = AVRational{1, cfg.sample_rate};
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (int err = avcodec_open2(c, codec, nullptr); err < 0)
    return Error{fmt::format("open AAC encoder ({} Hz): {}", cfg.sample_rate, av_error_string(err)), Errc::invalid};
  return e;
}

Status Encoder::encode(AVFrame* frame, bool force_idr, const PacketSink& sink) {
  if (frame) frame->pict_type = force_idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  int err = avcodec_send_frame(ctx_.get(), frame);
  if (err < 0 && err != AVERROR_EOF) return Error{fmt::format("{} encode: {}", ctx_->codec->name, av_error_string(err))};
  while ((err = avcodec_receive_packet(ctx_.get(), pkt_.get())) == 0) {
    sink(pkt_.get());
    av_packet_unref(pkt_.get());
  }
  if (err != AVERROR(EAGAIN) && err != AVERROR_EOF)
    return Error{fmt::format("{} encode: {}", ctx_->codec->name, av_error_string(err))};
  return Status::ok();
}

}  // namespace loopcast
