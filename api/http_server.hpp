// The HTTP control layer (cpp-httplib): status, start/stop/restart, manual switch, mapping
// reload, the AzuraCast webhook, Prometheus metrics, Server-Sent Events and the dashboard page
// with its preview, loop picker and recent events.
#pragma once
#include <atomic>
#include <memory>
#include <thread>

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
class LoopCatalog;
class SnapshotCache;

class HttpServer {
 public:
  HttpServer(Controller& ctl, ControlConfig cfg);
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

  Controller& ctl_;
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
