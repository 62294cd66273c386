// Where one HTTP/1.1 request ends in the bytes read so far. The front door reads whole requests
// into memory before a worker sees them; this is how it knows one is whole, or hopeless (and which
// status says why). Pure: no I/O, no clock.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loopcast {

struct FramingLimits {
  size_t max_header_bytes = 16 * 1024;  // request line + headers + blank line; beyond: 431
  size_t max_body_bytes = 1 << 20;      // Content-Length; beyond: 413 (api/http_server.cpp's 1 MiB)
  // A request whose line starts with this ("PUT /api/v1/loops/") has its body spooled to a file by
  // the front door instead of held in memory, up to max_spooled_body_bytes (beyond: 413). "": none.
  std::string spool_prefix;
  uint64_t max_spooled_body_bytes = 0;
};

enum class Framing { incomplete, complete, refused };

struct FramedRequest {
  Framing state = Framing::incomplete;
  int refusal_status = 0;                   // 400 (bad framing), 411 (chunked body), 413, 431 when refused
  const char* refusal = "";                 // why, for the reply's body
  size_t header_bytes = 0;                  // through the blank line; 0 while the headers are incomplete
  size_t body_bytes = 0;                    // Content-Length (0 without one)
  bool spooled = false;                     // the body goes to a file (FramingLimits::spool_prefix)
  bool http11 = false;                      // the request line says HTTP/1.1 (a 100 Continue is for 1.1 only)
  bool expects_continue = false;            // "Expect: 100-continue"
  size_t expect_begin = 0, expect_end = 0;  // that header line, CRLF included: [begin, end)
  size_t total_bytes() const { return header_bytes + body_bytes; }
};

// Frames the request at the start of `in`. Chunked request bodies are refused (411: send a
// Content-Length); every client of this API (AzuraCast, curl -d, browsers) sends one.
FramedRequest frame_request(std::string_view in, const FramingLimits& limits);
// A spooled request's head as its route sees it: every Content-Length line replaced by one
// "Content-Length: 0" (the body is in a file, RouteRunner::spooled_body()).
std::string head_without_body(std::string_view head);
// The value of header `name` (any case) in a request head, trimmed; "" when absent.
std::string header_value(std::string_view head, std::string_view name);

}  // namespace loopcast
