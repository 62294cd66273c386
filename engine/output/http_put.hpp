// One HTTP(S) upload connection for an HLS output sent to a server (YouTube's HLS ingest, a WebDAV
// server): PUT a file, read the answer's status. libavformat's http protocol cannot serve here: it
// sends a chunked PUT and never reads the reply, so a 403 or a 503 would pass for success.
// The connection is kept open between requests (a new TLS handshake every 2 s costs the ingest as
// much as it costs us); TLS follows the process policy (base/tls: verification, --ca-file).
#pragma once
#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace httplib {
class Client;
}

namespace loopcast {

class HttpPut {
 public:
  // `prefix`: "https://host[:port]/path/" or "...?...&file=" (the file name is appended). Each request
  // must finish within timeout_s of silence on the socket, and within 3 × timeout_s in all (a server
  // that trickles its answer is a stalled one).
  HttpPut(const std::string& prefix, double timeout_s);
  ~HttpPut();
  HttpPut(const HttpPut&) = delete;
  HttpPut& operator=(const HttpPut&) = delete;

  // ok on 2xx. Otherwise an error naming the file and what happened, never the URL's key:
  // "PUT index17.ts: HTTP 503 Service Unavailable", "PUT index17.ts: Could not establish connection",
  // "PUT index17.ts: no answer for 10s (stalled)". Errc::invalid when the server refused the
  // request (a 4xx but 408 and 429), Errc::unavailable when it may go through later.
  Status put(const std::string& name, const std::string& body, const std::string& content_type) EXCLUDES(mu_);
  // Ends a request in flight and every later one (stop): put() returns an error promptly.
  void cancel() EXCLUDES(mu_);

 private:
  const std::string origin_;       // "https://host:port"
  const std::string path_prefix_;  // "/path/" or "/http_upload_hls?cid=K&copy=0&file="
  const double timeout_s_;
  std::unique_ptr<httplib::Client> client_;  // one connection, reused; only put() uses it
  Mutex mu_;
  bool cancelled_ GUARDED_BY(mu_) = false;
  bool in_flight_ GUARDED_BY(mu_) = false;
};

}  // namespace loopcast
