// Routes libav's own log lines into loopcast's logger (levelled, redacted), warnings and up only:
// libav messages can contain URLs with stream keys.
#pragma once

namespace loopcast {
void install_libav_log();
}
