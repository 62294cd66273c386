// What the API's front door allows one client and all of them: connections, time to send a
// request, event listeners. The global cap follows the process's file limit, so a flood is
// answered 503 long before accept() could fail for lack of descriptors (which the streams need).
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>
#include <utility>
#include <string>

#include "api/http/request_framing.hpp"

namespace loopcast {

struct FrontLimits {
  size_t max_connections = 1024;  // open at once, all addresses (see limits_for_this_process)
  size_t per_address = 64;        // open at once from one client address, event listeners included
  size_t max_event_listeners = 64;
  size_t event_listeners_per_address = 8;  // one address must not take every event slot
  // A request must be whole this long after the connection opened or the previous response was
  // sent, whatever trickles in meanwhile (slowloris: one byte every few seconds).
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{5000};    // keep-alive (or a new connection) with nothing sent
  std::chrono::milliseconds write_timeout{10000};  // a response's reader taking nothing for this long
  size_t min_body_rate = 8 * 1024;                 // bytes/s a body must average once its headers are in
  size_t max_event_backlog = 32 * 1024;            // unsent event bytes before a listener is dropped
  size_t workers = 64;                             // threads running routes (only complete requests)
  size_t queued_requests = 512;                    // complete requests waiting for one; beyond: 503
  FramingLimits framing;
  // Where spooled bodies (framing.spool_prefix) are written: the filesystem of their destination,
  // so the route renames the file into place instead of copying it.
  std::string spool_dir;
  // Asked with a spooled request's head before its body is read: {0, ""} lets it in; else the
  // status and message it is refused with at once (401 without the token, 400 for a bad name),
  // so nobody writes gigabytes to the disk only to be told no.
  std::function<std::pair<int, std::string>(std::string_view head)> admit_spool;
};

// Raises the soft RLIMIT_NOFILE to the hard one (the streams and the API share it) and caps the
// API's connections below it, keeping a quarter (at least 512) for files, outputs and inputs.
FrontLimits limits_for_this_process();
// The cap for a given file limit (pure, for the unit test).
size_t connection_cap(size_t fd_limit);

}  // namespace loopcast
