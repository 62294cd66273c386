// The channels API: GET /api/v1/streams, GET|PUT|DELETE /api/v1/streams/{id}, and each stream's
// own /api/v1/streams/{id}/status|events|snapshot.jpg|start|stop|restart|track|mapping/reload.
#pragma once
#include <httplib.h>

#include <functional>

#include "api/entry_secrets.hpp"  // redacted_entry: what GET shows of an entry
#include "control/cluster/cluster.hpp"
#include "control/channels/streams.hpp"

namespace loopcast {

// `authorized` answers 401 itself and returns false for a mutating call on stream `id` without
// the admin's token or that stream's own.
using Authorize = std::function<bool(const httplib::Request&, httplib::Response&, const std::string& id)>;

class EventStream;
class ClusterRouter;
class BackupRelay;
// What the listing shows beyond this process's streams: its shard, the backup publications it
// runs for other replicas, and (with a router that forwards) every other replica's streams. A
// track request relayed by a stream's owner (X-Loopcast-Backup) acts on its backup publication
// here; one this replica acts on for its own backed-up stream is passed on by `relay`.
struct StreamsView {
  Cluster cluster;
  const Streams* backups = nullptr;
  const ClusterRouter* router = nullptr;
  BackupRelay* relay = nullptr;
};
// `events`: the SSE hub whose client cap and backlog limits /api/v1/streams/{id}/events share.
void add_stream_routes(httplib::Server& svr, Streams& streams, Authorize authorized, EventStream& events, StreamsView view = {});

}  // namespace loopcast
