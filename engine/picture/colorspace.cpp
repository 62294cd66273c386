#include "engine/picture/colorspace.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace loopcast {
namespace {
bool is_rgb(const AVFrame* f) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(f->format));
  return d && (d->flags & AV_PIX_FMT_FLAG_RGB);
}
bool is_yuvj(const AVFrame* f) {
  const auto p = static_cast<AVPixelFormat>(f->format);
  return p == AV_PIX_FMT_YUVJ420P || p == AV_PIX_FMT_YUVJ422P || p == AV_PIX_FMT_YUVJ444P || p == AV_PIX_FMT_YUVJ440P;
}
}  // namespace

int source_matrix(const AVFrame* f) {
  switch (f->colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return is_yuvj(f) || f->height < 720 ? SWS_CS_ITU601 : SWS_CS_ITU709;
  }
}

bool is_full_range(const AVFrame* f) { return is_yuvj(f) || f->color_range == AVCOL_RANGE_JPEG; }

bool is_output_colorspace(const AVFrame* f) { return !is_rgb(f) && !is_full_range(f) && source_matrix(f) == SWS_CS_ITU709; }

void convert_to_output_colorspace(SwsContext* sws, const AVFrame* src) {
  // For an RGB source the source table is unused (there is no matrix on the way in).
  sws_setColorspaceDetails(sws, sws_getCoefficients(is_rgb(src) ? SWS_CS_ITU709 : source_matrix(src)), is_rgb(src) ? 1 : is_full_range(src),
                           sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
}

}  // namespace loopcast
