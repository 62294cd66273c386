// What a replica knows of the cluster it is part of: its shard and how to reach the other
// replicas' APIs (the --peer-url template, "{index}" standing for a replica's ordinal).
#pragma once
#include <string>

#include "base/result.hpp"
#include "control/cluster/shard.hpp"

namespace loopcast {

struct Cluster {
  Shard shard;
  std::string peer_url;  // "" = this replica answers for its own streams only

  bool forwards() const { return shard.sharded() && !peer_url.empty(); }
  // The base URL of replica `index` ("http://loopcast-2.loopcast:8080"), no trailing '/'.
  std::string peer(int index) const;
};

// --peer-url: http:// (or https://) with "{index}" in its host; "" is fine (no forwarding).
Status check_peer_url(const std::string& url);

}  // namespace loopcast
