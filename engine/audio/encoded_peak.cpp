#include "engine/audio/encoded_peak.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace loopcast {

Result<EncodedPeak> EncodedPeak::open(const AVCodecContext* encoder) {
  const AVCodec* codec = avcodec_find_decoder(encoder->codec_id);
  if (!codec) return Error{"no decoder to measure the encoded audio", Errc::unavailable};
  EncodedPeak p;
  p.dec_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* d = p.dec_.get();
  d->sample_rate = encoder->sample_rate;
  if (int err = av_channel_layout_copy(&d->ch_layout, &encoder->ch_layout); err < 0) return Error{"encoded peak: " + av_error_string(err)};
  if (encoder->extradata_size > 0) {
    d->extradata = static_cast<uint8_t*>(av_mallocz(static_cast<size_t>(encoder->extradata_size) + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!d->extradata) return Error{"encoded peak: out of memory"};
    std::copy_n(encoder->extradata, encoder->extradata_size, d->extradata);
    d->extradata_size = encoder->extradata_size;
  }
  if (int err = avcodec_open2(d, codec, nullptr); err < 0) return Error{"open AAC decoder: " + av_error_string(err)};
  p.frame_ = make_frame();
  return p;
}

float EncodedPeak::feed(const AVPacket* packet) {
  float peak = 0;
  if (avcodec_send_packet(dec_.get(), packet) < 0) return peak;
  while (avcodec_receive_frame(dec_.get(), frame_.get()) == 0) {
    AVFrame* f = frame_.get();
    const int channels = std::min(f->ch_layout.nb_channels, 2);
    if (f->format == AV_SAMPLE_FMT_FLTP)
      for (int c = 0; c < channels; ++c) {
        const auto* s = reinterpret_cast<const float*>(f->extended_data[c]);
        for (int i = 0; i < f->nb_samples; ++i) peak = std::max(peak, detect_[static_cast<size_t>(c)].push(s[i]));
      }
    av_frame_unref(f);
  }
  return peak;
}

}  // namespace loopcast
