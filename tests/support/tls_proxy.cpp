#include "tests/support/tls_proxy.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace loopcast::test {

TestCerts::TestCerts(std::string d) : dir(std::move(d)) {
  auto sh = [&](const std::string& cmd) {
    if (run_cmd("cd " + shell_quote(dir) + " && " + cmd + " 2>&1").code != 0) throw std::runtime_error("test certificates: " + cmd);
  };
  const std::string req = "openssl req -newkey rsa:2048 -nodes -days 2 ";
  sh(req + "-x509 -keyout evil.key -out evil.pem -subj /CN=evil.example");
  sh(req + "-x509 -keyout ca.key -out ca.pem -subj /CN=loopcast-test-ca");
  for (const char* name : {"localhost", "other.example"})
    sh(fmt::format("{0}-keyout {1}.key -out {1}.csr -subj /CN={1} && printf 'subjectAltName=DNS:{1}\\n' > {1}.ext && "
                   "openssl x509 -req -in {1}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out {1}.pem -extfile {1}.ext",
                   req, name));
}

TlsProxy::TlsProxy(const TestCerts& certs, const std::string& cert, int backend_port) : port(free_tcp_port()) {
  const std::string conf = fmt::format("{}/stunnel-{}.conf", certs.dir, port);
  std::ofstream(conf) << fmt::format("foreground = yes\npid =\n[tls]\naccept = 127.0.0.1:{}\nconnect = 127.0.0.1:{}\ncert = {}/{}.pem\nkey = {}/{}.key\n",
                                     port, backend_port, certs.dir, cert, certs.dir, cert);
  proc = std::make_unique<KilledAtExit>(spawn({"stunnel4", conf}, conf + ".log"));
  if (!wait_for([&] { return tcp_connects(port); }, 10)) throw std::runtime_error("stunnel did not start: " + read_text(conf + ".log"));
}

}  // namespace loopcast::test
