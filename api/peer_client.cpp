#include "api/peer_client.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include "base/tls.hpp"

namespace loopcast {

Result<PeerReply> call_peer(const std::string& base_url, const PeerRequest& req, PeerTimeouts timeouts) {
  httplib::Client cli(base_url);
  cli.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeouts.connect));
  cli.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeouts.read));
  cli.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeouts.read));
  cli.set_keep_alive(false);
  if (base_url.rfind("https://", 0) == 0) {
    // The same verification as the ingest, the station and the YouTube client: a peer that cannot
    // prove its name never sees the Authorization header forwarded to it.
    const TlsPolicy tls = tls_policy();
    cli.enable_server_certificate_verification(tls.verify);
    cli.enable_server_hostname_verification(tls.verify);
    if (!tls.ca_file.empty()) cli.set_ca_cert_path(tls.ca_file);
  }
  httplib::Headers headers;
  for (const auto& [k, v] : req.headers) headers.emplace(k, v);
  const std::string type = req.content_type.empty() ? "application/json" : req.content_type;
  httplib::Result r;
  if (req.method == "GET") r = cli.Get(req.path, headers);
  else if (req.method == "POST") r = cli.Post(req.path, headers, req.body, type);
  else if (req.method == "PUT") r = cli.Put(req.path, headers, req.body, type);
  else if (req.method == "DELETE") r = cli.Delete(req.path, headers, req.body, type);
  else return Error{fmt::format("method {} is not forwarded", req.method), Errc::invalid};
  if (!r) return Error{httplib::to_string(r.error()), Errc::unavailable};
  return PeerReply{r->status, r->body, r->get_header_value("Content-Type"), r->get_header_value("WWW-Authenticate")};
}

}  // namespace loopcast
