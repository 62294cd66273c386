// Whether a recording ever carried a second AVC sequence header (splice mode must never send one).
#pragma once
#include <string>

namespace loopcast::test {

// AVC sequence headers in the recording that differ from its first one (the FLV demuxer hands
// every later header over as NEW_EXTRADATA side data; nginx-rtmp's recorder repeats the first one
// at the start of every recording, in encode mode too). -1 when the file does not open.
int changed_sequence_headers(const std::string& flv);

}  // namespace loopcast::test
