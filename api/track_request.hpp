// POST /api/v1/track (and /api/v1/streams/{id}/track): a manual loop switch, or a track that goes
// through the stream's mapping.
#pragma once
#include <string>

#include "base/result.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

// body: {"loop": NAME} or {"artist", "title", "text", "song_id"}; unknown fields are refused.
Status track_request(Controller& ctl, const std::string& body);

}  // namespace loopcast
