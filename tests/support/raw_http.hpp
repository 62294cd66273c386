// Raw TCP clients for HTTP tests that must send exactly what real (or hostile) clients send:
// no Content-Length, half a header, nothing at all; from a chosen loopback source address.
#pragma once
#include <string>

namespace loopcast::test {

// A connected socket to 127.0.0.1:port whose source address is `from` (any 127.x.y.z); -1 on failure.
int connect_from(const std::string& from, int port, int rcvbuf = 0);

struct RawReply {
  int status = 0;       // 0: no (complete) answer in time
  std::string body;
  double seconds = 0;   // from sending to the complete answer
};

// Sends `request` verbatim and reads one response (headers + Content-Length body), within timeout_s.
RawReply raw_request(int port, const std::string& request, double timeout_s = 3, const std::string& from = "127.0.0.1");

}  // namespace loopcast::test
