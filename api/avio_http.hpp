// HTTP(S) GET through libavformat's avio: the process keeps one TLS stack and one verification
// policy (base/tls) for every connection it opens. Every blocking call has a deadline and ends
// when `stop` is set, so a stalled server can hold a thread no longer than the caller allows.
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "base/interrupt.hpp"
#include "base/result.hpp"

struct AVIOContext;

namespace loopcast {

class HttpStream {
 public:
  // Opens `url` (http:// or https:// only), waiting at most timeout_s for the response headers.
  // A 4xx/5xx reply is an error ("Server returned 404 Not Found": Errc::not_found). longest_read_s
  // bounds any later read_some (the protocol's rw_timeout backstop; 0 = timeout_s).
  static Result<std::unique_ptr<HttpStream>> open(const std::string& url, const std::atomic<bool>& stop, double timeout_s,
                                                  const std::string& accept, double longest_read_s = 0);
  ~HttpStream();
  HttpStream(const HttpStream&) = delete;
  HttpStream& operator=(const HttpStream&) = delete;

  // Whatever has arrived, waiting at most timeout_s: bytes appended to `out`, 0 at the end of the
  // body, or an error ("no data for 2s" when the server went silent).
  Result<size_t> read_some(std::string& out, double timeout_s);
  std::string content_type() const;  // as the server sent it ("" when none)

 private:
  HttpStream(const std::atomic<bool>& stop, std::string shown) : deadline_(stop), shown_url_(std::move(shown)) {}
  IoDeadline deadline_;
  AVIOContext* io_ = nullptr;
  std::string shown_url_;  // redacted, for messages
};

// The whole body of a GET (at most max_bytes) within timeout_s, with its content type checked
// against `expect` (a substring such as "json"): an HTML error page is an error, not data.
Result<std::string> http_get(const std::string& url, const std::atomic<bool>& stop, double timeout_s, const std::string& expect,
                             size_t max_bytes = 1u << 20);

}  // namespace loopcast
