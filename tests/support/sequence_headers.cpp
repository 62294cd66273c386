#include "tests/support/sequence_headers.hpp"

#include "base/av.hpp"

namespace loopcast::test {

int changed_sequence_headers(const std::string& flv) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, flv.c_str(), nullptr, nullptr) < 0) return -1;
  InputPtr in(raw);
  PacketPtr pkt = make_packet();
  std::string first;
  int changed = 0;
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    const AVCodecParameters* par = in->streams[pkt->stream_index]->codecpar;
    if (par->codec_type == AVMEDIA_TYPE_VIDEO && first.empty() && par->extradata_size > 0)
      first.assign(reinterpret_cast<const char*>(par->extradata), static_cast<size_t>(par->extradata_size));
    size_t size = 0;
    const uint8_t* x = av_packet_get_side_data(pkt.get(), AV_PKT_DATA_NEW_EXTRADATA, &size);
    if (x && par->codec_type == AVMEDIA_TYPE_VIDEO && std::string(reinterpret_cast<const char*>(x), size) != first) ++changed;
    av_packet_unref(pkt.get());
  }
  return first.empty() ? -1 : changed;
}

}  // namespace loopcast::test
