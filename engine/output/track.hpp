// The two tracks of every output. The value is the stream's index in the muxer: outputs add the
// video stream first, then the audio (Output::add_streams).
#pragma once

namespace loopcast {

enum class Track : int { video = 0, audio = 1 };

constexpr int stream_index(Track t) { return static_cast<int>(t); }

}  // namespace loopcast
