#include "api/avio_http.hpp"

#include "base/libav_log.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "base/av.hpp"
#include "base/redact.hpp"
#include "base/tls.hpp"
#include "base/version.hpp"

namespace loopcast {

Result<std::unique_ptr<HttpStream>> HttpStream::open(const std::string& url, const std::atomic<bool>& stop, double timeout_s,
                                                     const std::string& accept, double longest_read_s) {
  const std::string shown = redact_url(url);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return Error{fmt::format("{}: only http:// and https:// are fetched", shown), Errc::invalid};
  std::unique_ptr<HttpStream> s(new HttpStream(stop, shown));
  AVDictionary* opts = nullptr;
  // Redirects stay on http(s); no Range request (an event stream is not seekable); no ICY.
  av_dict_set(&opts, "protocol_whitelist", "http,https,tcp,tls", 0);
  av_dict_set_int(&opts, "rw_timeout", static_cast<int64_t>(std::max(timeout_s, longest_read_s) * 1e6), 0);
  av_dict_set(&opts, "seekable", "0", 0);
  av_dict_set(&opts, "icy", "0", 0);
  av_dict_set(&opts, "user_agent", user_agent().c_str(), 0);
  av_dict_set(&opts, "headers", fmt::format("Accept: {}\r\n", accept).c_str(), 0);
  apply_tls_policy(&opts);
  AVIOInterruptCB cb = s->deadline_.callback();
  s->deadline_.arm(timeout_s);
  take_libav_error();  // what libav logs during this open explains its failure (a TLS refusal)
  const int err = avio_open2(&s->io_, url.c_str(), AVIO_FLAG_READ, &cb, &opts);
  av_dict_free(&opts);
  if (err < 0) {
    if (stop) return Error{fmt::format("{}: stopped", shown), Errc::unavailable};
    const std::string why = s->deadline_.timed_out() ? fmt::format("no answer within {:g}s", timeout_s) : describe_av_failure(err);
    return Error{fmt::format("{}: {}", shown, why), err == AVERROR_HTTP_NOT_FOUND ? Errc::not_found : Errc::unavailable};
  }
  return s;
}

HttpStream::~HttpStream() { avio_closep(&io_); }

Result<size_t> HttpStream::read_some(std::string& out, double timeout_s) {
  unsigned char buf[16384];
  deadline_.arm(timeout_s);
  // The deadline governs each read (rw_timeout is only the backstop set at open), so an event
  // stream with long gaps between pings may wait longer than a request may take.
  const int n = avio_read_partial(io_, buf, sizeof buf);
  if (n > 0) {
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    return static_cast<size_t>(n);
  }
  if (n == 0 || n == AVERROR_EOF) return size_t{0};
  if (deadline_.timed_out()) return Error{fmt::format("{}: no data for {:g}s", shown_url_, timeout_s), Errc::unavailable};
  return Error{fmt::format("{}: {}", shown_url_, av_error_string(n)), Errc::unavailable};
}

std::string HttpStream::content_type() const {
  uint8_t* value = nullptr;
  if (av_opt_get(io_, "mime_type", AV_OPT_SEARCH_CHILDREN, &value) < 0 || !value) return {};
  std::string type(reinterpret_cast<char*>(value));
  av_free(value);
  return type;
}

Result<std::string> http_get(const std::string& url, const std::atomic<bool>& stop, double timeout_s, const std::string& expect,
                             size_t max_bytes) {
  auto s = HttpStream::open(url, stop, timeout_s, "application/json");
  if (!s) return s.forward();
  const std::string shown = redact_url(url);
  if (const std::string type = (*s)->content_type(); type.find(expect) == std::string::npos)
    return Error{fmt::format("{}: expected {}, got '{}' (an error page?)", shown, expect, type), Errc::unavailable};
  std::string body;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const double left = std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
    if (left <= 0) return Error{fmt::format("{}: body not complete within {:g}s", shown, timeout_s), Errc::unavailable};
    auto n = (*s)->read_some(body, left);
    if (!n) return n.forward();
    if (*n == 0) return body;
    if (body.size() > max_bytes) return Error{fmt::format("{}: body larger than {} bytes", shown, max_bytes), Errc::invalid};
  }
}

}  // namespace loopcast
