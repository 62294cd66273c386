// The one JSON rendering of StatusSnapshot: served by GET /api/v1/status and written to status.json.
#pragma once
#include <string>
#include <vector>

#include "control/status/status.hpp"

namespace loopcast {

std::string status_to_json(const StatusSnapshot& s);
std::string track_to_json(const TrackInfo& t);
// GET /api/v1/schedule: {"timezone": ..., "days": N, "changes": [{"at": ..., "what": ...}, ...]}
std::string schedule_to_json(const std::string& timezone, int days, const std::vector<ScheduleChange>& changes);

}  // namespace loopcast
