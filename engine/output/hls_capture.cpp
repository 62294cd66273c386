#include "engine/output/hls_capture.hpp"

#include <string_view>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/mem.h>
}

namespace loopcast {

void HlsCapture::attach(AVFormatContext* oc) {
  oc->opaque = this;
  oc->io_open = &HlsCapture::open;
  oc->io_close2 = &HlsCapture::close;
}

int HlsCapture::open(AVFormatContext* s, AVIOContext** pb, const char* url, int flags, AVDictionary** options) {
  auto* self = static_cast<HlsCapture*>(s->opaque);
  // Old segments are never deleted here (hls_flags has no delete_segments): a DELETE or a read
  // would be a change of the muxer's options this capture does not serve.
  const AVDictionaryEntry* method = options ? av_dict_get(*options, "method", nullptr, 0) : nullptr;
  if (!(flags & AVIO_FLAG_WRITE) || (method && std::string(method->value) == "DELETE")) return AVERROR(ENOSYS);
  if (int err = avio_open_dyn_buf(pb); err < 0) return err;
  const std::string_view name = url;  // "upload:index.m3u8", "index17.ts": the file's own name
  self->open_[*pb] = std::string(name.substr(name.find_last_of(":/") + 1));
  return 0;
}

int HlsCapture::close(AVFormatContext* s, AVIOContext* pb) {
  auto* self = static_cast<HlsCapture*>(s->opaque);
  auto it = self->open_.find(pb);
  if (it == self->open_.end()) return avio_close(pb);  // not one of ours
  std::string name = std::move(it->second);
  self->open_.erase(it);
  uint8_t* data = nullptr;
  const int size = avio_close_dyn_buf(pb, &data);
  std::string bytes(reinterpret_cast<const char*>(data), static_cast<size_t>(std::max(size, 0)));
  av_free(data);
  self->sink_(std::move(name), std::move(bytes));
  return 0;
}

}  // namespace loopcast
