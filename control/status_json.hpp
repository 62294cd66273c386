// The one JSON rendering of StatusSnapshot: served by GET /api/v1/status and written to status.json.
#pragma once
#include <string>

#include "control/status.hpp"

namespace loopcast {

std::string status_to_json(const StatusSnapshot& s);
std::string track_to_json(const TrackInfo& t);

}  // namespace loopcast
