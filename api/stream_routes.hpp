// The channels API: GET /api/v1/streams, GET|PUT|DELETE /api/v1/streams/{id}, and each stream's
// own /api/v1/streams/{id}/status|events|start|stop|restart|track|mapping/reload.
#pragma once
#include <httplib.h>

#include <functional>

#include "control/streams.hpp"

namespace loopcast {

// `authorized` answers 401 itself and returns false for a mutating call without the token.
using Authorize = std::function<bool(const httplib::Request&, httplib::Response&)>;

class EventStream;
// `events`: the SSE hub whose client cap and backlog limits /api/v1/streams/{id}/events share.
void add_stream_routes(httplib::Server& svr, Streams& streams, Authorize authorized, EventStream& events);
// The stream's entry as GET shows it: outputs and URLs redacted, registered secrets hidden.
std::string redacted_entry(const std::string& entry_json);

}  // namespace loopcast
