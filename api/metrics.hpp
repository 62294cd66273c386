// Prometheus text exposition of the engine status (GET /metrics).
#pragma once
#include <string>

#include "control/status.hpp"

namespace loopcast {

std::string render_metrics(const StatusSnapshot& s);

}  // namespace loopcast
