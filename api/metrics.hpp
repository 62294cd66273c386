// Prometheus text exposition of the engine status (GET /metrics).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "control/status.hpp"

namespace loopcast {

// What the HTTP layer itself sees of its clients.
struct ApiStats {
  uint64_t refused_connections = 0;  // over the per-address cap
  size_t event_clients = 0;          // SSE listeners now
  uint64_t event_clients_dropped = 0;  // SSE listeners dropped for not reading
};

// Engine status + API stats + the process's own open files and threads (flat over a soak).
std::string render_metrics(const StatusSnapshot& s, const ApiStats& api = {});
// Every stream's series in one family each, labelled stream="id" (channels).
std::string render_metrics(const std::vector<StatusSnapshot>& streams, const ApiStats& api = {});

}  // namespace loopcast
