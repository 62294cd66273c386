// One routine that opens the decoder of an input's best stream of a kind, for every input that
// decodes (loop video, station audio, cover art), like open_input_file in FFmpeg's
// doc/examples/transcode.c: find the stream, discard the others, copy its parameters, open.
#pragma once
extern "C" {
#include <libavformat/avformat.h>
}

#include "base/av.hpp"
#include "base/result.hpp"

namespace loopcast {

struct Decoder {
  int stream = -1;  // index in the input
  CodecCtxPtr ctx;  // opened
};

// `in` has its stream info read. threads 0: libavcodec's choice. Errors: Errc::not_found when
// the input has no stream of `type` ("no video stream"), Errc::invalid when it cannot be decoded
// ("no decoder for hevc", "open decoder: ...").
Result<Decoder> open_decoder(AVFormatContext* in, AVMediaType type, int threads = 0);

}  // namespace loopcast
