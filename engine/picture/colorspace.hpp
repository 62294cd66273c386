// loopcast's pictures are BT.709, limited range: the encoder tags the stream so (encoder.cpp), as
// players and YouTube expect for HD. swscale converts with BT.601 unless told otherwise, so every
// conversion into an output picture names both ends here.
#pragma once
extern "C" {
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace loopcast {

// The matrix a YUV frame was coded with (SWS_CS_*): its tag, else what players assume for
// untagged video (BT.709 from 720 lines up, BT.601 below; JPEG's full-range "yuvj" is BT.601).
int source_matrix(const AVFrame* f);
bool is_full_range(const AVFrame* f);
// Already what the output carries (YUV, BT.709, limited range): a same-size frame can pass as is.
bool is_output_colorspace(const AVFrame* f);
// Tells `sws` the source's matrix and range (from `src`) and the output's: BT.709, limited range.
void convert_to_output_colorspace(SwsContext* sws, const AVFrame* src);

}  // namespace loopcast
