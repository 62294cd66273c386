// The HTTP control layer (cpp-httplib): status, start/stop/restart, manual switch, mapping
// reload, the AzuraCast webhook, Prometheus metrics, Server-Sent Events and the dashboard page
// with its preview, loop picker and recent events.
#pragma once
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "control/config.hpp"
#include "control/controller.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace loopcast {

class GuardedServer;
class EventStream;
class Streams;
class LoopCatalog;
class SnapshotCache;

class HttpServer {
 public:
  HttpServer(Controller& ctl, ControlConfig cfg);
  // Channels: ctl is the first stream (the single-stream routes); `streams` adds
  // /api/v1/streams..., webhook routing by id or station shortcode and every stream's metrics.
  HttpServer(Streams& streams, ControlConfig cfg);
  ~HttpServer();
  // Binds cfg.http_bind:cfg.http_port (0 = any free port) and serves on its own thread.
  Status start();
  void stop();
  int port() const { return port_; }

 private:
  void routes();
  void lifecycle_routes();
  void track_route();
  void webhook_route();
  void observe_routes();  // status, metrics, events, dashboard
  void dashboard_routes();  // snapshot.jpg, loops + thumbnails, recent events
  bool authorized(const httplib::Request& req, httplib::Response& res) const;  // bearer, or 401
  bool webhook_authorized(const httplib::Request& req, httplib::Response& res) const;
  // The webhook's stream: /webhook/azuracast/{id}, else the stream declaring the payload's
  // station shortcode, else the first; null (404 written) for an unknown id.
  std::shared_ptr<Controller> webhook_target(const httplib::Request& req, const std::string& station, httplib::Response& res);
  std::vector<StatusSnapshot> all_status() const;

  Controller& ctl_;
  Streams* streams_ = nullptr;  // null: one stream, ctl_
  ControlConfig cfg_;
  std::unique_ptr<GuardedServer> svr_;
  std::unique_ptr<EventStream> events_;
  std::unique_ptr<SnapshotCache> snapshot_;
  std::unique_ptr<LoopCatalog> loops_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
};

}  // namespace loopcast
