#include "engine/splice/splice_path.hpp"

#include <fmt/format.h>

#include <cstring>

#include "base/log.hpp"
#include "engine/encoder.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/output/track.hpp"
#include "engine/splice/cache_key.hpp"

namespace loopcast {
namespace {
CodecCtxPtr stream_params(const CachedLoop& first, const EngineConfig& cfg) {
  CodecCtxPtr c(avcodec_alloc_context3(nullptr));
  if (!c) return nullptr;
  c->codec_type = AVMEDIA_TYPE_VIDEO;
  c->codec_id = AV_CODEC_ID_H264;
  set_stream_picture(c.get(), cfg);
  const auto& x = first.extradata();
  c->extradata = static_cast<uint8_t*>(av_mallocz(x.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!c->extradata) return nullptr;
  std::memcpy(c->extradata, x.data(), x.size());
  c->extradata_size = static_cast<int>(x.size());
  return c;
}
}  // namespace

Result<std::unique_ptr<SplicePath>> SplicePath::create(std::unique_ptr<CachedLoop> first, const EngineConfig& cfg) {
  if (!first) return Error{"splice: no cached loop", Errc::invalid};
  if (first->reorder_delay() > kCacheReorderDelay) return Error{fmt::format("splice: '{}' reorders deeper than the stream", first->source()), Errc::invalid};
  CodecCtxPtr params = stream_params(*first, cfg);
  if (!params) return Error{"splice: out of memory", Errc::internal};
  return std::unique_ptr<SplicePath>(new SplicePath(std::move(first), std::move(params)));
}

SplicePath::SplicePath(std::unique_ptr<CachedLoop> first, CodecCtxPtr params)
    : params_(std::move(params)), splicer_(std::move(first), kCacheReorderDelay) {}

Status SplicePath::queue(std::unique_ptr<CachedLoop> next) {
  // The session's SPS/PPS (params_ never changes): every loop of the session must carry them.
  const std::vector<uint8_t> want(params_->extradata, params_->extradata + params_->extradata_size);
  if (next->extradata() != want)
    return Error{fmt::format("loop '{}': its cached SPS/PPS differ from the stream's (a new sequence header mid-stream is never sent)",
                             next->source()), Errc::conflict};
  if (next->reorder_delay() > kCacheReorderDelay) return Error{fmt::format("loop '{}': reorders deeper than the stream", next->source()), Errc::conflict};
  MutexLock lk(mu_);
  pending_ = std::move(next);
  return Status::ok();
}

AVPacket* SplicePath::next(bool* switched) {
  SplicedPacket sp;
  {
    MutexLock lk(mu_);
    sp = splicer_.next(pending_);
  }
  av_packet_unref(out_.get());
  av_packet_ref(out_.get(), sp.packet->pkt.get());
  out_->pts = sp.pts;
  out_->dts = sp.dts;
  out_->duration = 1;
  out_->flags = sp.packet->key ? AV_PKT_FLAG_KEY : 0;
  out_->stream_index = stream_index(Track::video);
  *switched = sp.switched;
  return out_.get();
}

Status SplicePath::emit(int64_t n, bool /*idr*/, const PacketSink& sink, VideoFrameEvents& events) {
  AVPacket* pkt = next(&events.switched);
  if (events.switched) log::info("pipeline", "spliced to loop '{}' at frame {}", on_air(), n);
  sink(pkt);
  return Status::ok();
}

Status SplicePath::switch_to(std::unique_ptr<LoopSource> next) {
  return Error{fmt::format("switch to loop '{}': this stream splices cached loops", next ? next->path() : ""), Errc::conflict};
}

}  // namespace loopcast
