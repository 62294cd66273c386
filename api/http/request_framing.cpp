#include "api/http/request_framing.hpp"

#include <cctype>

namespace loopcast {
namespace {
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

FramedRequest refuse(int status, const char* why) {
  FramedRequest r;
  r.state = Framing::refused;
  r.refusal_status = status;
  r.refusal = why;
  return r;
}

// Content-Length: digits only (no sign, no list), at most 19 of them so the value cannot overflow.
bool parse_length(std::string_view v, size_t& out) {
  v = trim(v);
  if (v.empty() || v.size() > 18) return false;
  size_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  out = n;
  return true;
}
}  // namespace

FramedRequest frame_request(std::string_view in, const FramingLimits& limits) {
  const size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos && in.size() < limits.max_header_bytes) return {};
  if (end == std::string_view::npos || end + 4 > limits.max_header_bytes) return refuse(431, "request headers too large (max 16 KiB)");
  FramedRequest r;
  r.header_bytes = end + 4;
  const size_t line_end = in.find("\r\n");
  const std::string_view request_line = in.substr(0, line_end);
  r.http11 = request_line.size() >= 8 && request_line.substr(request_line.size() - 8) == "HTTP/1.1";
  r.spooled = !limits.spool_prefix.empty() && request_line.rfind(limits.spool_prefix, 0) == 0;
  const uint64_t max_body = r.spooled ? limits.max_spooled_body_bytes : limits.max_body_bytes;
  bool has_length = false;
  for (size_t at = line_end + 2; at < end + 2;) {
    const size_t eol = in.find("\r\n", at);
    const std::string_view line = in.substr(at, eol - at);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
      if (same_name(name, "content-length")) {
        size_t n = 0;
        // Two different lengths are a smuggling attempt, a repeated equal one is harmless.
        if (!parse_length(value, n) || (has_length && n != r.body_bytes)) return refuse(400, "bad Content-Length");
        if (n > max_body)
          return refuse(413, r.spooled ? "upload too large (max_upload_bytes in GET /api/v1/loops)" : "request body too large (max 1 MiB)");
        has_length = true;
        r.body_bytes = n;
      } else if (same_name(name, "transfer-encoding")) {
        return refuse(411, "chunked request bodies are not accepted: send a Content-Length");
      } else if (same_name(name, "expect") && same_name(value, "100-continue")) {
        r.expects_continue = true;
        r.expect_begin = at;
        r.expect_end = eol + 2;
      }
    }
    at = eol + 2;
  }
  r.state = in.size() >= r.total_bytes() ? Framing::complete : Framing::incomplete;
  return r;
}

std::string header_value(std::string_view head, std::string_view name) {
  for (size_t at = head.find("\r\n"); at != std::string_view::npos && at + 2 < head.size();) {
    const size_t eol = head.find("\r\n", at + 2);
    if (eol == std::string_view::npos || eol == at + 2) break;
    const std::string_view line = head.substr(at + 2, eol - at - 2);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && same_name(line.substr(0, colon), name)) return std::string(trim(line.substr(colon + 1)));
    at = eol;
  }
  return "";
}

std::string head_without_body(std::string_view head) {
  std::string out;
  size_t at = 0;
  for (;;) {
    const size_t eol = head.find("\r\n", at);
    if (eol == std::string_view::npos || eol == at) break;  // the blank line ends the head
    const std::string_view line = head.substr(at, eol - at);
    const size_t colon = line.find(':');
    if (at == 0 || colon == std::string_view::npos || !same_name(line.substr(0, colon), "content-length")) out.append(line).append("\r\n");
    at = eol + 2;
  }
  return out + "Content-Length: 0\r\n\r\n";
}

}  // namespace loopcast
