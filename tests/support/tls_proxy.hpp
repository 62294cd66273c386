// TLS in front of a loopback server, for tests of certificate verification: certificates made
// with the openssl CLI and stunnel (Debian stunnel4) terminating TLS, both test tools only.
#pragma once
#include <memory>
#include <string>

#include "base/tls.hpp"
#include "tests/support/proc.hpp"

namespace loopcast::test {

// In `dir`: evil.{pem,key} (self-signed for evil.example), ca.{pem,key} (a test CA), and
// localhost.{pem,key} / other.example.{pem,key} signed by that CA for those names.
struct TestCerts {
  explicit TestCerts(std::string dir);
  std::string dir;
  std::string ca() const { return dir + "/ca.pem"; }
};

// The process-wide TLS policy (base/tls.hpp) for one test, put back at scope exit for the others.
struct PolicyScope {
  explicit PolicyScope(TlsPolicy p) : saved(tls_policy()) { set_tls_policy(std::move(p)); }
  ~PolicyScope() { set_tls_policy(saved); }
  TlsPolicy saved;
};

// The port of "scheme://host:PORT".
inline int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// stunnel accepting TLS on 127.0.0.1:port with `cert` (a TestCerts name), forwarding to backend_port.
struct TlsProxy {
  TlsProxy(const TestCerts& certs, const std::string& cert, int backend_port);
  int port = 0;
  std::unique_ptr<KilledAtExit> proc;
};

}  // namespace loopcast::test
