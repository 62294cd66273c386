// rtmps:// with verified TLS, on the rig behind stunnel: an impostor's certificate is refused and
// the stream key never reaches it; a private CA given with --ca-file gives one clean session.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/tls_proxy.hpp"

using namespace loopcast::test;

namespace {
std::string output_error(httplib::Client& cli) {
  auto d = status(cli);
  if (!d.IsObject() || !d.HasMember("outputs") || d["outputs"].Empty()) return "";
  return d["outputs"][0]["last_error"].GetString();
}

size_t recorded_bytes(const Rig& rig) {
  size_t n = 0;
  for (const auto& f : rig.recordings()) n += std::filesystem::file_size(f);
  return n;
}
}  // namespace

TEST_CASE("rtmps to an ingest with an untrusted certificate: refused, retried, nothing recorded, the key never sent") {
  Rig rig;
  TestCerts certs(rig.dir());
  TlsProxy evil(certs, "evil", rig.rtmp_port());
  TlsProxy wrong_name(certs, "other.example", rig.rtmp_port());  // signed by the CA given below, but not for "localhost"
  const std::string key = "k3y-never-leaves-4242";
  for (const int port : {evil.port, wrong_name.port}) {
    CAPTURE(port);
    const int http = free_tcp_port();
    Loopcast lc({"--output", fmt::format("rtmps://localhost:{}/live/{}", port, key), "--duration", "8", "--http-port", std::to_string(http),
                 "--size", "640x360", "--vbitrate", "500k", "--ca-file", certs.ca()});
    auto cli = api(http);
    REQUIRE_MESSAGE(wait_for([&] { return output_error(cli).find("certificate") != std::string::npos; }, 10), lc.log());
    CHECK(output_error(cli).find("TLS") != std::string::npos);
    CHECK(wait_for([&] { return status(cli)["outputs"][0]["attempt"].GetInt() >= 2; }, 10));  // retried with backoff
    CHECK(status(cli)["outputs"][0]["state"] == "reconnecting");
    REQUIRE(lc.wait(20) == 0);
    const std::string log = lc.log();
    CHECK(log.find("certificate") != std::string::npos);  // "Peer certificate failed verification" or "...does not match hostname"
    CHECK(log.find(key) == std::string::npos);
  }
  CHECK(recorded_bytes(rig) == 0);  // nginx never saw a publish: the RTMP handshake never started
}

TEST_CASE("rtmps with --ca-file naming a private CA: one clean session through stunnel, and --tls-insecure streams with a warning") {
  Rig rig;
  TestCerts certs(rig.dir());
  TlsProxy good(certs, "localhost", rig.rtmp_port());
  Loopcast lc({"--output", fmt::format("rtmps://localhost:{}/live/verified", good.port), "--duration", "6", "--http-port", "0", "--size",
               "640x360", "--vbitrate", "500k", "--ca-file", certs.ca()});
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  REQUIRE(rig.wait_recordings_closed());  // nginx has finished the file before it is read
  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);
  auto rep = probe_media(recs[0]);
  REQUIRE(rep);
  CHECK(rep->video.codec == "h264");
  CHECK(rep->audio.codec == "aac");
  CHECK(rep->video.dts_monotonic);
  CHECK(rep->duration > 4.0);

  TlsProxy evil(certs, "evil", rig.rtmp_port());
  Loopcast insecure({"--output", fmt::format("rtmps://localhost:{}/live/insecure", evil.port), "--duration", "4", "--http-port", "0",
                     "--size", "640x360", "--vbitrate", "500k", "--tls-insecure"});
  REQUIRE_MESSAGE(insecure.wait(30) == 0, insecure.log());
  REQUIRE(rig.wait_recordings_closed());
  CHECK(insecure.log().find("NOT verified") != std::string::npos);
  CHECK(rig.recordings().size() == 2);
}
