// HTTPS for the API and dashboard (--https-cert/--https-key) against the real binary: curl trusts
// it with the test CA and refuses it without; new certificate files + SIGHUP → new connections
// get the new certificate; a broken one on SIGHUP keeps the old. Loopback only.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/tls_proxy.hpp"

using namespace loopcast::test;

namespace {
// The serial of the certificate the server presents to a new connection ("" when none).
std::string served_serial(const TestCerts& certs, int port) {
  const auto r =
      run_cmd(fmt::format("openssl s_client -connect 127.0.0.1:{} -servername localhost -CAfile {} </dev/null 2>/dev/null | "
                          "openssl x509 -noout -serial 2>/dev/null",
                          port, shell_quote(certs.ca())));
  return r.output;
}

std::string file_serial(const std::string& pem) { return run_cmd("openssl x509 -noout -serial -in " + shell_quote(pem)).output; }

int curl_status(const std::string& ca, int port, std::string* body = nullptr) {
  const std::string cacert = ca.empty() ? "" : "--cacert " + shell_quote(ca) + " ";
  const auto r =
      run_cmd(fmt::format("curl -s -m 5 {}--resolve localhost:{}:127.0.0.1 -o - -w '\\n%{{http_code}}' https://localhost:{}/api/v1/status",
                          cacert, port, port));
  if (body) *body = r.output;
  if (r.code != 0) return -r.code;  // curl's exit code: 60 = certificate not trusted
  return std::atoi(r.output.substr(r.output.rfind('\n') + 1).c_str());
}
}  // namespace

TEST_CASE("HTTPS API: trusted with the CA, refused without, certificate reloaded on SIGHUP, a bad one keeps the old") {
  TempDir dir("loopcast-https");
  TestCerts certs(dir.path);
  const std::string cert = dir.path + "/served.pem", key = dir.path + "/served.key";
  std::filesystem::copy_file(dir.path + "/localhost.pem", cert);
  std::filesystem::copy_file(dir.path + "/localhost.key", key);
  const int port = free_tcp_port();
  Loopcast lc({"--loops-dir", std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops", "--output", dir.path + "/out.flv", "--http-port",
               std::to_string(port), "--size", "320x180", "--vbitrate", "300k", "--duration", "60", "--https-cert", cert, "--https-key",
               key});
  std::string body;
  REQUIRE_MESSAGE(wait_for([&] { return curl_status(certs.ca(), port, &body) == 200; }, 15), lc.log());
  CHECK(body.find("\"running\":true") != std::string::npos);
  CHECK(curl_status("", port) == -60);  // the system CAs do not know the test CA
  CHECK(lc.log().find("API on https://") != std::string::npos);
  const std::string first = served_serial(certs, port);
  CHECK(first == file_serial(dir.path + "/localhost.pem"));

  // A new certificate for localhost from the same CA, put in place of the files, then SIGHUP.
  REQUIRE(
      run_cmd(
          fmt::format(
              "cd {} && openssl req -newkey rsa:2048 -nodes -keyout next.key -out next.csr -subj /CN=localhost 2>&1 && "
              "openssl x509 -req -in next.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out next.pem -extfile localhost.ext 2>&1",
              shell_quote(dir.path)))
          .code == 0);
  const std::string next = file_serial(dir.path + "/next.pem");
  REQUIRE(next != first);
  std::filesystem::copy_file(dir.path + "/next.pem", cert, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(dir.path + "/next.key", key, std::filesystem::copy_options::overwrite_existing);
  send_signal(lc.pid, SIGHUP);
  CHECK(wait_for([&] { return served_serial(certs, port) == next; }, 5));
  CHECK(curl_status(certs.ca(), port) == 200);

  // A broken certificate file: the reload fails, logs why, and the server keeps the last good one.
  std::ofstream(cert, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
  send_signal(lc.pid, SIGHUP);
  CHECK(wait_for([&] { return lc.log().find("certificate reload failed") != std::string::npos; }, 5));
  CHECK(served_serial(certs, port) == next);
  CHECK(curl_status(certs.ca(), port) == 200);
  CHECK(lc.terminate() == 0);
}

TEST_CASE("HTTPS flags: both or neither, and readable PEM files") {
  TempDir dir("loopcast-https-flags");
  const auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{
        "--loops-dir", std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops", "--output", dir.path + "/o.flv", "--http-port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    Loopcast lc(args);
    const int code = lc.wait(10);
    return std::pair{code, lc.log()};
  };
  std::ofstream(dir.path + "/garbage.pem") << "hello";
  auto [c1, log1] = run({"--https-cert", dir.path + "/garbage.pem"});
  CHECK(c1 == 2);
  CHECK(log1.find("https_cert and https_key go together") != std::string::npos);
  auto [c2, log2] = run({"--https-cert", dir.path + "/garbage.pem", "--https-key", dir.path + "/garbage.pem"});
  CHECK(c2 == 2);
  CHECK(log2.find("not a PEM file") != std::string::npos);
  auto [c3, log3] = run({"--https-cert", dir.path + "/missing.pem", "--https-key", dir.path + "/garbage.pem"});
  CHECK(c3 == 2);
  CHECK(log3.find("cannot be read") != std::string::npos);
}
