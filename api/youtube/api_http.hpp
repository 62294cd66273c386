// One HTTPS request/answer for the YouTube Data API and Google's OAuth endpoints. Unlike
// api/avio_http (libavformat, GET only, 4xx answers become bare error codes), this client keeps the
// status and the body of every answer: OAuth's "authorization_pending" and the API's
// "quotaExceeded" arrive as 4xx bodies. TLS follows the process policy (base/tls: verification on,
// --ca-file); plain http:// is accepted only for loopback hosts (the test suite's fake).
#pragma once
#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace httplib {
class Client;
}

namespace loopcast {

struct HttpCall {
  std::string method = "GET";  // GET | POST | PUT
  std::string url;             // absolute: https://host[:port]/path?query
  std::string bearer;          // access token for "Authorization: Bearer"; "" = none
  std::string body;            // POST/PUT body
  std::string content_type = "application/json";
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// http://127.0.0.1:8123 (or localhost, [::1]): the only hosts plain http may reach.
bool is_loopback_url(const std::string& url);

class ApiHttp {
 public:
  explicit ApiHttp(double timeout_s) : timeout_s_(timeout_s) {}
  // Transport failures (refused, TLS, timeout) are errors with the URL redacted; any HTTP status
  // is an answer. Bounded by timeout_s for the connection and for each read.
  Result<HttpAnswer> send(const HttpCall& call) EXCLUDES(mu_);
  // Ends a call in flight (shutdown): its send() returns an error promptly.
  void cancel() EXCLUDES(mu_);

 private:
  const double timeout_s_;
  Mutex mu_;
  httplib::Client* current_ GUARDED_BY(mu_) = nullptr;  // the call in flight, for cancel()
  bool cancelled_ GUARDED_BY(mu_) = false;
};

}  // namespace loopcast
