// The HTTP control layer (cpp-httplib): status, start/stop/restart, manual switch, mapping
// reload, the AzuraCast webhook, Prometheus metrics, Server-Sent Events and the dashboard page.
#pragma once
#include <atomic>
#include <memory>
#include <thread>

#include "control/config.hpp"
#include "control/controller.hpp"
#include "base/result.hpp"

namespace httplib {
class Server;
}

namespace loopcast {

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

  Controller& ctl_;
  ControlConfig cfg_;
  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> sse_clients_{0};
  int port_ = 0;
};

}  // namespace loopcast
