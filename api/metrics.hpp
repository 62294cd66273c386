// Prometheus text exposition of the engine status (GET /metrics).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "control/status/status.hpp"

namespace loopcast {

// What the HTTP layer itself sees of its clients.
struct ApiStats {
  uint64_t open_connections = 0;
  uint64_t max_connections = 0;  // the global cap (api/http/front_limits.hpp)
  uint64_t refused_global = 0, refused_per_address = 0, refused_busy = 0, refused_event_listeners = 0;
  // Clients closed for being too slow: sending their headers, their body, taking their response.
  uint64_t header_timeouts = 0, body_timeouts = 0, write_timeouts = 0;
  size_t event_clients = 0;            // SSE listeners now
  uint64_t event_clients_dropped = 0;  // SSE listeners dropped for not reading
  uint64_t refused() const { return refused_global + refused_per_address + refused_busy + refused_event_listeners; }
};

// Engine status + API stats + the process's own open files and threads (flat over a soak).
std::string render_metrics(const StatusSnapshot& s, const ApiStats& api = {});
// Every stream's series in one family each, labelled stream="id" (channels).
std::string render_metrics(const std::vector<StatusSnapshot>& streams, const ApiStats& api = {});

}  // namespace loopcast
