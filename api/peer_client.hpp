// One request to another replica's API (cpp-httplib's client) with bounded time: a peer that is
// gone or hung costs at most its connect + read timeouts, never a hang. Over https:// the process
// TLS policy applies (base/tls.hpp: verification on, --ca-file), as for every other connection.
#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace loopcast {

// Marks a request one replica sent to another: the receiver answers it itself, never forwards it
// again (two replicas that disagree on the count must not bounce a request between them).
constexpr const char* kForwardedHeader = "X-Loopcast-Forwarded";

struct PeerTimeouts {
  std::chrono::milliseconds connect{2000};
  std::chrono::milliseconds read{10000};  // a PUT stops one stream and starts another
};

struct PeerRequest {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // with its query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
};

struct PeerReply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string www_authenticate;
};

// Errc::unavailable with why ("Connection refused", "Read timeout") when no answer came.
Result<PeerReply> call_peer(const std::string& base_url, const PeerRequest& req, PeerTimeouts timeouts);

}  // namespace loopcast
