// Routes libav's own log lines into loopcast's logger (levelled, redacted), warnings and up only:
// libav messages can contain URLs with stream keys.
#pragma once

#include <string>

namespace loopcast {
void install_libav_log();

// The first error libav logged on this thread since the last call (then cleared), redacted:
// what a failed open really ran into ("Peer certificate failed verification"), where the return
// code says only "Input/output error".
std::string take_libav_error();

// av_error_string(err) plus what libav logged about it on this thread, e.g. "Input/output error
// (TLS: The certificate's owner does not match hostname x; not trusted, nothing was sent)".
std::string describe_av_failure(int err);
}  // namespace loopcast
