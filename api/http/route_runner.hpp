// cpp-httplib's routing over requests the front door (front_door.hpp) has already read whole:
// httplib parses exactly one request from memory, runs its route and writes the response into
// memory. The socket, its limits and its timeouts are the front door's, so a route never waits on
// a client and a client never holds a worker.
#pragma once
#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string>

#include "api/http/front_door.hpp"

namespace loopcast {

class RouteRunner : public httplib::Server {
 public:
  explicit RouteRunner(int keep_alive_s);
  Outbound serve(Inbound& in);  // a worker thread

  // For a route that makes its connection an event stream (api/event_stream.cpp), from inside the
  // handler: the response is `head` and then whatever is pushed to current_connection().
  static void adopt_connection(std::string head, std::function<void()> adopted, std::function<void(bool dropped)> released);
  static uint64_t current_connection();  // 0 outside serve()
  // The body of the request being served when the front door spooled it to a file (null
  // otherwise): a route that keeps the file renames it and sets `kept`; else it is removed.
  static SpooledBody* spooled_body();
};

}  // namespace loopcast
