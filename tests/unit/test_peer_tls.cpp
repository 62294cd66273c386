// A replica reaching its peers over https:// (--peer-url https://...): the process TLS policy
// applies as for every other connection (base/tls.hpp), so a peer whose certificate a private CA
// signed is trusted with --ca-file naming that CA, and refused without it, misnamed or self-signed.
#include <doctest/doctest.h>

#include <atomic>

#include "api/peer_client.hpp"
#include "base/tls.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/tls_proxy.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
Result<PeerReply> list_over_tls(int port) {
  return call_peer("https://localhost:" + std::to_string(port), PeerRequest{"GET", "/api/v1/streams", {{kForwardedHeader, "0"}}, "", ""},
                   PeerTimeouts{std::chrono::milliseconds(2000), std::chrono::milliseconds(3000)});
}
}  // namespace

TEST_CASE("peer tls: calls to a peer over https verify its certificate — --ca-file is honoured") {
  LoopbackHttp peer;
  std::atomic<int> answered{0};
  peer.routes().Get("/api/v1/streams", [&answered](const httplib::Request& req, httplib::Response& res) {
    ++answered;
    res.set_content(req.has_header(kForwardedHeader) ? R"({"streams":[]})" : "{}", "application/json");
  });
  peer.start();
  const int backend = port_of(peer.url(""));
  TestCerts certs(make_temp_dir("loopcast-peer-tls"));
  TlsProxy evil(certs, "evil", backend), misnamed(certs, "other.example", backend), good(certs, "localhost", backend);
  {
    PolicyScope system_cas(TlsPolicy{});
    auto refused = list_over_tls(good.port);  // a private CA the system does not know
    CHECK_FALSE(refused);
    CHECK(refused.code() == Errc::unavailable);
    CHECK_FALSE(list_over_tls(evil.port));
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    auto ok = list_over_tls(good.port);
    REQUIRE_MESSAGE(ok, ok.error());
    CHECK(ok->status == 200);
    CHECK(ok->body == R"({"streams":[]})");
    CHECK_FALSE(list_over_tls(misnamed.port));  // the name is checked too
    CHECK_FALSE(list_over_tls(evil.port));
  }
  {
    PolicyScope insecure(TlsPolicy{false, ""});  // --tls-insecure: the operator said so
    CHECK(list_over_tls(evil.port));
  }
  CHECK(answered == 2);  // only the trusted and the explicitly insecure connections got through
}
