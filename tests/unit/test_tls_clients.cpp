// Every TLS client connection goes through one verification policy (base/tls): shown here for
// the cover-art fetch behind stunnel (the ingest has its own rig test).
#include <doctest/doctest.h>

#include "base/tls.hpp"
#include "engine/input/cover_art.hpp"
#include "tests/support/image_server.hpp"
#include "tests/support/tls_proxy.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {
struct PolicyScope {  // the policy is process-wide: put it back for the other tests
  explicit PolicyScope(TlsPolicy p) : saved(tls_policy()) { set_tls_policy(std::move(p)); }
  ~PolicyScope() { set_tls_policy(saved); }
  TlsPolicy saved;
};

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }
}  // namespace

TEST_CASE("cover art over https: an untrusted or misnamed certificate is refused, a trusted private CA works") {
  const std::string dir = make_temp_dir("loopcast-tls");
  TestCerts certs(dir);
  ImageServer images;
  const int backend = port_of(images.url(""));
  TlsProxy evil(certs, "evil", backend), misnamed(certs, "other.example", backend), good(certs, "localhost", backend);
  auto art = [](int port) { return load_cover_art("https://localhost:" + std::to_string(port) + "/red.png", 64, 5); };
  {
    PolicyScope system_cas(TlsPolicy{});  // default: the system CA bundle, which knows none of these
    auto r = art(evil.port);
    REQUIRE(!r);
    CHECK(r.error().find("certificate") != std::string::npos);
    CHECK(!art(good.port));
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    CHECK(art(good.port));
    auto r = art(misnamed.port);
    REQUIRE(!r);
    CHECK(r.error().find("hostname") != std::string::npos);
    CHECK(!art(evil.port));
  }
  {
    PolicyScope insecure(TlsPolicy{false, ""});
    CHECK(art(evil.port));
  }
}
