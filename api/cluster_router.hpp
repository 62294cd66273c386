// One address for the cluster: whichever replica a request reaches answers it. A request for a
// stream another replica runs (its id hashes there) is forwarded to that replica and its answer
// returned as is (auth is the owner's to check); an event stream is redirected (307) instead,
// since a forwarded SSE would hold a worker here for as long as the listener stays. A peer that
// does not answer gives 502 naming the owner within the peer timeouts. PUT and DELETE of a stream
// itself are not forwarded: a sharded replica refuses them (streams are declared in the config).
#pragma once
#include <httplib.h>

#include <string>
#include <vector>

#include "api/peer_client.hpp"
#include "control/cluster/cluster.hpp"

namespace loopcast {

class Streams;

class ClusterRouter {
 public:
  ClusterRouter(Cluster cluster, const Streams& streams, PeerTimeouts timeouts = {});

  // Before a stream route's handler: true when answered here (forwarded, redirected or refused);
  // false: this replica's own routes answer.
  bool route(const httplib::Request& req, httplib::Response& res) const;

  // Every other replica's GET /api/v1/streams (their own streams only), asked at once.
  struct PeerListing {
    int index = 0;
    std::string url;
    std::string body;   // the peer's JSON when ok
    std::string error;  // why not, when !ok
    bool ok = false;
  };
  std::vector<PeerListing> peer_listings() const;
  bool forwards() const { return cluster_.forwards(); }

 private:
  // The stream a request is about: /api/v1/streams/{id}..., /webhook/azuracast/{id}, or the
  // station's stream for /webhook/azuracast; "" when none.
  std::string stream_of(const httplib::Request& req) const;
  void forward(const httplib::Request& req, httplib::Response& res, const std::string& id, int owner) const;

  const Cluster cluster_;
  const Streams& streams_;
  const PeerTimeouts timeouts_;
};

}  // namespace loopcast
