// The directory an `hls:DIR` output writes into: checked before a session starts, so a missing or
// read-only directory is the operator's clear error at start, not a muxer's "Permission denied"
// seconds later; and cleared of the previous session's playlist and segments, which the HLS
// muxer's delete_segments no longer knows about and would leave there for good.
#pragma once
#include <string>

#include "base/result.hpp"

namespace loopcast {

// Errc::invalid with `shown` (the output as logged) and the reason when DIR is missing, not a
// directory or not writable; otherwise removes the playlist and segments an earlier session left
// (only names is_hls_file_name() accepts, and their .tmp files).
Status prepare_hls_dir(const std::string& dir, const std::string& shown);

}  // namespace loopcast
