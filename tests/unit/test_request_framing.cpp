// The front door's request framing (api/http/request_framing.hpp): where a request ends in the
// bytes read so far, and which status refuses one that can never be whole.
#include <doctest/doctest.h>

#include <string>

#include "api/http/request_framing.hpp"

using namespace loopcast;

namespace {
const FramingLimits kLimits{};
const std::string kPost = "POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
}  // namespace

TEST_CASE("framing: a request is whole only with its blank line and its Content-Length of body") {
  for (size_t n = 0; n < kPost.size(); ++n) {
    CAPTURE(n);
    const auto f = frame_request(std::string_view(kPost).substr(0, n), kLimits);
    CHECK(f.state == Framing::incomplete);
    CHECK((f.header_bytes == 0) == (n < kPost.size() - 5));  // headers known once the blank line is in
  }
  const auto f = frame_request(kPost, kLimits);
  CHECK(f.state == Framing::complete);
  CHECK(f.body_bytes == 5);
  CHECK(f.total_bytes() == kPost.size());
  CHECK(f.http11);
  const auto get = frame_request("GET / HTTP/1.0\r\n\r\n", kLimits);
  CHECK(get.state == Framing::complete);
  CHECK(get.total_bytes() == 18);
  CHECK_FALSE(get.http11);
}

TEST_CASE("framing: pipelined requests are framed one at a time") {
  const std::string two = kPost + "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto first = frame_request(two, kLimits);
  REQUIRE(first.state == Framing::complete);
  CHECK(first.total_bytes() == kPost.size());
  const auto second = frame_request(std::string_view(two).substr(first.total_bytes()), kLimits);
  CHECK(second.state == Framing::complete);
  CHECK(second.body_bytes == 0);
  CHECK(first.total_bytes() + second.total_bytes() == two.size());
}

TEST_CASE("framing: oversize headers 431, oversize body 413, chunked 411, bad or conflicting Content-Length 400") {
  const auto refused = [](const std::string& in, const FramingLimits& l = kLimits) {
    const auto f = frame_request(in, l);
    return f.state == Framing::refused ? f.refusal_status : 0;
  };
  CHECK(refused("GET / HTTP/1.1\r\nX-Pad: " + std::string(17000, 'a')) == 431);  // no blank line in sight
  CHECK(refused("GET / HTTP/1.1\r\nX-Pad: " + std::string(17000, 'a') + "\r\n\r\n") == 431);
  CHECK(refused("GET / HTTP/1.1\r\nX-Pad: " + std::string(100, 'a')) == 0);  // just not whole yet
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n") == 413);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n") == 0);
  CHECK(refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") == 411);
  CHECK(refused("POST / HTTP/1.1\r\ncontent-length: -1\r\n\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello") == 0);
  CHECK(refused("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", FramingLimits{64, 1024}) == 431);
}

TEST_CASE("framing: Expect: 100-continue is found with its whole line, whatever its case") {
  const std::string head = "POST /webhook/azuracast HTTP/1.1\r\nHost: x\r\nexpect:  100-Continue \r\nContent-Length: 5\r\n\r\n";
  const auto f = frame_request(head, kLimits);
  CHECK(f.state == Framing::incomplete);
  REQUIRE(f.expects_continue);
  CHECK(head.substr(f.expect_begin, f.expect_end - f.expect_begin) == "expect:  100-Continue \r\n");
  std::string stripped = head;
  stripped.erase(f.expect_begin, f.expect_end - f.expect_begin);
  const auto again = frame_request(stripped + "hello", kLimits);
  CHECK(again.state == Framing::complete);
  CHECK_FALSE(again.expects_continue);
  CHECK_FALSE(frame_request("POST / HTTP/1.1\r\nExpect: something-else\r\n\r\n", kLimits).expects_continue);
}

TEST_CASE("framing: an upload is spooled under its own size limit, and its route sees a head without a body") {
  FramingLimits spool = kLimits;
  spool.spool_prefix = "PUT /api/v1/loops/";
  spool.max_spooled_body_bytes = uint64_t{2} << 30;
  const auto up = frame_request("PUT /api/v1/loops/a.mp4 HTTP/1.1\r\nContent-Length: 2147483648\r\n\r\n", spool);
  CHECK(up.spooled);
  CHECK(up.state == Framing::incomplete);  // 2 GiB allowed: its body is on the way
  CHECK(up.body_bytes == 2147483648u);
  const auto over = frame_request("PUT /api/v1/loops/a.mp4 HTTP/1.1\r\nContent-Length: 2147483649\r\n\r\n", spool);
  CHECK(over.state == Framing::refused);
  CHECK(over.refusal_status == 413);
  // Any other route keeps the 1 MiB limit, and a look-alike path is not an upload.
  const auto other = frame_request("PUT /api/v1/mapping HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", spool);
  CHECK_FALSE(other.spooled);
  CHECK(other.refusal_status == 413);
  CHECK_FALSE(frame_request("GET /api/v1/loops/a.mp4 HTTP/1.1\r\n\r\n", spool).spooled);
  CHECK(head_without_body("PUT /x HTTP/1.1\r\nHost: h\r\ncontent-length: 9\r\nX: y\r\n\r\n") ==
        "PUT /x HTTP/1.1\r\nHost: h\r\nX: y\r\nContent-Length: 0\r\n\r\n");
  const std::string head = "PUT /x HTTP/1.1\r\nHost: h\r\nauthorization:  Bearer t \r\n\r\n";
  CHECK(header_value(head, "Authorization") == "Bearer t");
  CHECK(header_value(head, "host") == "h");
  CHECK(header_value(head, "Cookie").empty());
  CHECK(header_value("GET / HTTP/1.1\r\n\r\n", "host").empty());
}
