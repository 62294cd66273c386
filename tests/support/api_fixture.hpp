// An HttpServer on a free loopback port in front of a FakeController, and a client on it: the
// fixture of the API unit tests.
#pragma once
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>

#include "api/http_server.hpp"
#include "tests/support/fake_controller.hpp"

namespace loopcast::test {

struct ApiFixture {
  explicit ApiFixture(ControlConfig cfg = {}) {
    cfg.http_port = 0;
    cfg.http_bind = "127.0.0.1";
    server = std::make_unique<HttpServer>(ctl, cfg);
    REQUIRE(server->start());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(5, 0);
  }
  FakeController ctl;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
};

}  // namespace loopcast::test
