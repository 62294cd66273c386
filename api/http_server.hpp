// The HTTP control layer (cpp-httplib): status, start/stop/restart, manual switch, mapping
// reload, the AzuraCast webhook, Prometheus metrics, Server-Sent Events and the dashboard page
// with its preview, loop picker and recent events.
#pragma once
#include <memory>
#include <vector>

#include "api/http/front_limits.hpp"
#include "base/result.hpp"
#include "control/cluster/cluster.hpp"
#include "control/config/config.hpp"
#include "control/stream/controller.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace loopcast {

class RouteRunner;
class FrontDoor;
class TlsContext;
class EventStream;
class Streams;
class LoopCatalog;
class SnapshotCache;
class ClusterRouter;
class BackupRelay;

// A token is set, there is no HTTPS, and the API listens where other hosts can reach it: the
// bearer token can be read on the way (warned at start).
bool token_travels_in_clear(const ControlConfig& cfg);

class HttpServer {
 public:
  // `limits`: what clients may hold (connections, time to send a request, event listeners); by
  // default sized from this process's file limit.
  HttpServer(Controller& ctl, ControlConfig cfg, FrontLimits limits = limits_for_this_process());
  // Channels: ctl is the first stream (the single-stream routes); `streams` adds
  // /api/v1/streams..., webhook routing by id or station shortcode and every stream's metrics.
  HttpServer(Streams& streams, ControlConfig cfg, FrontLimits limits = limits_for_this_process());
  ~HttpServer();
  // Binds cfg.http_bind:cfg.http_port (0 = any free port) and serves on the front door's thread
  // (HTTPS with cfg.https_cert/https_key).
  Status start();
  void stop();
  // SIGHUP: reads the certificate files again for new connections; on error the old one stays.
  Status reload_certificate();
  int port() const { return port_; }
  // Replicas: this one's shard (shown in /api/v1/streams), its peers (requests for their streams
  // are forwarded) and the backup publications it runs for them; before start().
  void set_cluster(Cluster cluster, const Streams* backups = nullptr) {
    cluster_ = std::move(cluster);
    backups_ = backups;
  }

 private:
  void routes();
  void lifecycle_routes();
  void track_route();
  void webhook_route();
  void observe_routes();  // status, metrics, events, dashboard
  void dashboard_routes();  // snapshot.jpg, loops + thumbnails, recent events
  void warn_if_token_in_clear() const;
  bool authorized(const httplib::Request& req, httplib::Response& res) const;  // bearer, or 401
  // A stream's routes: the admin's token, or the stream's own (api_token in its entry), or 401.
  bool stream_authorized(const httplib::Request& req, httplib::Response& res, const std::string& id) const;
  bool webhook_authorized(const httplib::Request& req, httplib::Response& res) const;
  // The webhook of a stream with its own token takes that token (Bearer, or Basic password) or
  // the admin's credentials; an open webhook cannot reach it.
  bool stream_webhook_authorized(const httplib::Request& req, httplib::Response& res, const std::string& token) const;
  // The id of the webhook's stream, computed once: /webhook/azuracast/{id}, else the stream
  // declaring the payload's station shortcode, else the first; "" with one stream.
  std::string webhook_stream(const httplib::Request& req, const std::string& station) const;
  // That stream's controller, in `registry` (the backup publications for a relayed webhook); null
  // (404 written) for an id that is not there.
  std::shared_ptr<Controller> webhook_target(const Streams* registry, const std::string& id, httplib::Response& res);
  std::vector<StatusSnapshot> all_status() const;

  Controller& ctl_;
  Streams* streams_ = nullptr;  // null: one stream, ctl_
  Cluster cluster_;
  const Streams* backups_ = nullptr;
  std::unique_ptr<ClusterRouter> router_;  // null: not sharded
  std::unique_ptr<BackupRelay> relay_;     // null: not sharded, or no --peer-url
  ControlConfig cfg_;
  const FrontLimits limits_;
  std::unique_ptr<RouteRunner> svr_;
  std::shared_ptr<TlsContext> tls_;  // null: plain HTTP
  std::unique_ptr<EventStream> events_;
  std::unique_ptr<SnapshotCache> snapshot_;
  std::unique_ptr<LoopCatalog> loops_;
  std::unique_ptr<FrontDoor> front_;  // last: stopped and destroyed first
  int port_ = 0;
};

}  // namespace loopcast
