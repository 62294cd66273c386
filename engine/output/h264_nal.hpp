// Which H.264 access units nothing else is predicted from. The backlog policy's first tier drops
// those (OBS drops its "disposable" frames first the same way); libx264 through libavcodec does not
// set AV_PKT_FLAG_DISPOSABLE on them, so the slice headers say it: nal_ref_idc 0 on every slice.
#pragma once
#include <cstdint>

namespace loopcast {

// True when the access unit holds at least one coded slice and none of them is a reference
// (nal_ref_idc == 0). Reads Annex B (start codes) or AVCC (4-byte lengths) packets; anything it
// cannot parse counts as a reference (never dropped by mistake).
bool h264_non_reference(const uint8_t* data, int size);

}  // namespace loopcast
