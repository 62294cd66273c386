// Still pictures as JPEG (libavcodec's mjpeg): the dashboard's preview and loop thumbnails.
#pragma once
#include <string>

#include "base/av.hpp"
#include "base/result.hpp"

namespace loopcast {

// `frame` (any pixel format libswscale reads) scaled to at most `max_width` wide, aspect kept,
// and encoded as a baseline JPEG; `quality` is mjpeg's qscale (2 = best .. 31 = smallest).
Result<std::string> encode_jpeg(const AVFrame* frame, int max_width, int quality = 4);

}  // namespace loopcast
