#include "engine/output/http_put.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>

#include "base/tls.hpp"
#include "base/version.hpp"

namespace loopcast {
namespace {
std::string origin_of(const std::string& url) {
  const auto scheme = url.find("://");
  return url.substr(0, url.find_first_of("/?", scheme == std::string::npos ? 0 : scheme + 3));
}
}  // namespace

HttpPut::HttpPut(const std::string& prefix, double timeout_s)
    : origin_(origin_of(prefix)), path_prefix_(prefix.substr(origin_.size())), timeout_s_(timeout_s) {
  client_ = std::make_unique<httplib::Client>(origin_);
  const auto micros = std::chrono::microseconds(static_cast<int64_t>(timeout_s * 1e6));
  client_->set_connection_timeout(micros);
  client_->set_read_timeout(micros);
  client_->set_write_timeout(micros);
  client_->set_max_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(micros * 3));
  client_->set_keep_alive(true);
  if (origin_.rfind("https://", 0) == 0) {
    const TlsPolicy tls = tls_policy();  // the same verification as the RTMPS ingest
    client_->enable_server_certificate_verification(tls.verify);
    client_->enable_server_hostname_verification(tls.verify);
    if (!tls.ca_file.empty()) client_->set_ca_cert_path(tls.ca_file);
  }
}

HttpPut::~HttpPut() = default;

Status HttpPut::put(const std::string& name, const std::string& body, const std::string& content_type) {
  {
    MutexLock lk(mu_);
    if (cancelled_) return Error{fmt::format("PUT {}: stopped", name), Errc::unavailable};
    in_flight_ = true;
  }
  const httplib::Headers headers{{"User-Agent", user_agent()}};
  const auto t0 = std::chrono::steady_clock::now();
  httplib::Result res = client_->Put(path_prefix_ + name, headers, body, content_type);
  {
    MutexLock lk(mu_);
    in_flight_ = false;
  }
  if (!res) {
    const httplib::Error e = res.error();
    // httplib says "Failed to read connection" for a server that went silent: say it stalled.
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if ((e == httplib::Error::Read || e == httplib::Error::Timeout) && waited >= timeout_s_ * 0.9)
      return Error{fmt::format("PUT {}: no answer for {:g}s (stalled)", name, timeout_s_), Errc::unavailable};
    const char* hint = e == httplib::Error::SSLServerVerification           ? " (the certificate is not trusted: system CAs or --ca-file)"
                       : e == httplib::Error::SSLServerHostnameVerification ? " (the certificate is not for this host)"
                                                                            : "";
    return Error{fmt::format("PUT {}: {}{}", name, httplib::to_string(e), hint), Errc::unavailable};
  }
  if (res->status >= 200 && res->status < 300) return Status::ok();
  // The body of an error page may echo the URL (and so the key): only the status goes up. A 4xx
  // other than 408/429 refuses this request as sent: sending it again will not change the answer.
  const bool refused = res->status >= 400 && res->status < 500 && res->status != 408 && res->status != 429;
  return Error{fmt::format("PUT {}: HTTP {} {}", name, res->status, httplib::status_message(res->status)),
               refused ? Errc::invalid : Errc::unavailable};
}

void HttpPut::cancel() {
  MutexLock lk(mu_);
  cancelled_ = true;
  if (in_flight_) client_->stop();
}

}  // namespace loopcast
