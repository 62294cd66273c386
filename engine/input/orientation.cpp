#include "engine/input/orientation.hpp"

#include "engine/picture/fit.hpp"

namespace loopcast {

std::optional<int> stream_rotation(const AVStream* st) {
  const uint8_t* matrix = nullptr;
  size_t size = 0;
  // FFmpeg 6.1 moved stream side data into the codec parameters (and 7.0 removed the old call).
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
  if (const AVPacketSideData* sd =
          av_packet_side_data_get(st->codecpar->coded_side_data, st->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX)) {
    matrix = sd->data;
    size = sd->size;
  }
#else
  matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
#endif
  if (!matrix || size < 9 * sizeof(int32_t)) return std::nullopt;
  return rotation_from_display_matrix(reinterpret_cast<const int32_t*>(matrix));
}

std::optional<int> frame_rotation(const AVFrame* f) {
  const AVFrameSideData* sd = av_frame_get_side_data(f, AV_FRAME_DATA_DISPLAYMATRIX);
  if (!sd || sd->size < 9 * sizeof(int32_t)) return std::nullopt;
  return rotation_from_display_matrix(reinterpret_cast<const int32_t*>(sd->data));
}

}  // namespace loopcast
