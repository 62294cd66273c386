// Which way up a loop's pictures are meant to be shown: the display matrix of its video stream
// (MP4/MOV track header, as phones write it) or, failing that, of a decoded frame (an H.264/HEVC
// display-orientation message), as a clockwise quarter turn (engine/picture/fit.hpp).
#pragma once
#include <optional>

extern "C" {
#include <libavformat/avformat.h>
}

namespace loopcast {

// nullopt when the stream carries no display matrix (then a frame's may say).
std::optional<int> stream_rotation(const AVStream* st);
// nullopt when the frame carries no display matrix.
std::optional<int> frame_rotation(const AVFrame* f);

}  // namespace loopcast
