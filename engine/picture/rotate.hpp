// Quarter turns of one 8-bit picture plane: a YUV420P picture is turned plane by plane (a loop
// shot on a phone held upright is stored sideways, with a rotation to apply when shown).
#pragma once
#include <cstdint>

namespace loopcast {

// Turns the width x height plane at `src` clockwise by `rotation` (0, 90, 180, 270) into `dst`,
// which is height x width for 90 and 270. The planes must not overlap.
void rotate_plane(const uint8_t* src, int src_stride, int width, int height, uint8_t* dst, int dst_stride, int rotation);

}  // namespace loopcast
