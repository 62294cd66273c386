#include "api/cluster_router.hpp"

#include <fmt/format.h>

#include <future>
#include <regex>

#include "api/azuracast.hpp"
#include "api/backup_relay.hpp"
#include "api/http_reply.hpp"
#include "base/log.hpp"
#include "control/channels/streams.hpp"

namespace loopcast {
namespace {
const std::regex kStreamPath(R"(^/api/v1/streams/([a-z0-9-]{1,64})(/.*)?$)");
const std::regex kWebhookPath(R"(^/webhook/azuracast(/([a-z0-9-]{1,64}))?$)");

// The path as the client sent it, with its query.
std::string target_of(const httplib::Request& req) {
  std::string query;
  for (const auto& [k, v] : req.params) query += (query.empty() ? "?" : "&") + httplib::encode_uri_component(k) + "=" + httplib::encode_uri_component(v);
  return req.path + query;
}
}  // namespace

ClusterRouter::ClusterRouter(Cluster cluster, const Streams& streams, PeerTimeouts timeouts)
    : cluster_(std::move(cluster)), streams_(streams), timeouts_(timeouts) {}

std::string ClusterRouter::stream_of(const httplib::Request& req) const {
  std::smatch m;
  if (std::regex_match(req.path, m, kStreamPath)) return m[1];
  if (req.method == "POST" && std::regex_match(req.path, m, kWebhookPath)) {
    if (m[2].matched) return m[2];
    // By the payload's station shortcode: the config names each stream's station, and every
    // replica read the whole config. Unknown or unparsable: answered here (first stream, or 400).
    auto np = parse_nowplaying(req.body);
    return np ? streams_.configured_station(np->station) : "";
  }
  return "";
}

bool ClusterRouter::route(const httplib::Request& req, httplib::Response& res) const {
  // A relay from a stream's owner to its backup publication is answered where it lands, always.
  if (!cluster_.shard.sharded() || req.has_header(kForwardedHeader) || req.has_header(kBackupHeader)) return false;
  const std::string id = stream_of(req);
  if (id.empty()) return false;
  // A stream's entry is the config's (the ConfigMap), not a replica's: refused here, whoever owns it.
  if ((req.method == "PUT" || req.method == "DELETE") && req.path == "/api/v1/streams/" + id) return false;
  const int owner = cluster_.shard.owner(id);
  if (owner == cluster_.shard.index) return false;
  if (!cluster_.forwards()) {
    reply_error(res, 404, fmt::format("stream '{}' is run by replica {}, and this replica has no --peer-url to reach it", id, owner));
    return true;
  }
  // SSE: the client follows to the owner itself (a proxy would pin a worker here per listener).
  if (req.method == "GET" && req.path.size() > 7 && req.path.compare(req.path.size() - 7, 7, "/events") == 0) {
    res.status = 307;
    res.set_header("Location", cluster_.peer(owner) + target_of(req));
    res.set_content(fmt::format("{{\"redirect\":{},\"replica\":{}}}", json_quote(cluster_.peer(owner) + target_of(req)), owner), "application/json");
    return true;
  }
  forward(req, res, id, owner);
  return true;
}

void ClusterRouter::forward(const httplib::Request& req, httplib::Response& res, const std::string& id, int owner) const {
  PeerRequest out{req.method, target_of(req), {{kForwardedHeader, std::to_string(cluster_.shard.index)}}, req.body, req.get_header_value("Content-Type")};
  if (req.has_header("Authorization")) out.headers.emplace_back("Authorization", req.get_header_value("Authorization"));
  const std::string url = cluster_.peer(owner);
  auto reply = call_peer(url, out, timeouts_);
  if (!reply) {
    log::warn("cluster", "{} {}: replica {} ({}) does not answer: {}", req.method, req.path, owner, url, reply.error());
    reply_error(res, 502, fmt::format("stream '{}' is run by replica {} ({}), which does not answer: {}", id, owner, url, reply.error()));
    res.set_header("X-Loopcast-Replica", std::to_string(owner));
    return;
  }
  res.status = reply->status;
  res.set_content(reply->body, reply->content_type.empty() ? "application/json" : reply->content_type);
  if (!reply->www_authenticate.empty()) res.set_header("WWW-Authenticate", reply->www_authenticate);
  res.set_header("X-Loopcast-Replica", std::to_string(owner));
}

std::vector<ClusterRouter::PeerListing> ClusterRouter::peer_listings() const {
  std::vector<std::future<PeerListing>> asked;
  for (int r = 0; r < cluster_.shard.count; ++r) {
    if (r == cluster_.shard.index) continue;
    asked.push_back(std::async(std::launch::async, [this, r] {
      PeerListing p{r, cluster_.peer(r)};
      PeerTimeouts quick{timeouts_.connect, std::min(timeouts_.read, std::chrono::milliseconds(3000))};  // a listing is small
      auto reply = call_peer(p.url, PeerRequest{"GET", "/api/v1/streams", {{kForwardedHeader, std::to_string(cluster_.shard.index)}}, "", ""}, quick);
      if (!reply) p.error = reply.error();
      else if (reply->status != 200) p.error = fmt::format("HTTP {}", reply->status);
      else p.body = std::move(reply->body), p.ok = true;
      return p;
    }));
  }
  std::vector<PeerListing> out;
  for (auto& f : asked) out.push_back(f.get());
  return out;
}

}  // namespace loopcast
