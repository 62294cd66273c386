#include "api/youtube/api_http.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include "base/redact.hpp"
#include "base/tls.hpp"
#include "base/url.hpp"
#include "base/version.hpp"

namespace loopcast {
namespace {
// "https://host:port" and "/path?query" of an absolute URL.
std::pair<std::string, std::string> split_origin(const std::string& url) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}
}  // namespace

bool is_loopback_url(const std::string& url) {
  const std::string host = url_host(url);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

Result<HttpAnswer> ApiHttp::send(const HttpCall& call) {
  const std::string shown = redact_url(call.url);
  const bool https = call.url.rfind("https://", 0) == 0;
  if (!https && !(call.url.rfind("http://", 0) == 0 && is_loopback_url(call.url)))
    return Error{fmt::format("{}: only https:// (or http:// on loopback) is used", shown), Errc::invalid};
  const auto [origin, target] = split_origin(call.url);
  httplib::Client cli(origin);
  const auto whole = static_cast<time_t>(timeout_s_);
  const auto micros = static_cast<time_t>((timeout_s_ - static_cast<double>(whole)) * 1e6);
  cli.set_connection_timeout(whole, micros);
  cli.set_read_timeout(whole, micros);
  cli.set_write_timeout(whole, micros);
  if (https) {
    const TlsPolicy tls = tls_policy();  // the same verification as the ingest and the station
    cli.enable_server_certificate_verification(tls.verify);
    cli.enable_server_hostname_verification(tls.verify);
    if (!tls.ca_file.empty()) cli.set_ca_cert_path(tls.ca_file);
  }
  httplib::Headers headers{{"User-Agent", user_agent()}, {"Accept", "application/json"}};
  if (!call.bearer.empty()) headers.emplace("Authorization", "Bearer " + call.bearer);
  {
    MutexLock lk(mu_);
    if (cancelled_) return Error{fmt::format("{}: stopped", shown), Errc::unavailable};
    current_ = &cli;
  }
  httplib::Result res = call.method == "POST"  ? cli.Post(target, headers, call.body, call.content_type)
                        : call.method == "PUT" ? cli.Put(target, headers, call.body, call.content_type)
                                               : cli.Get(target, headers);
  {
    MutexLock lk(mu_);
    current_ = nullptr;
  }
  if (!res) return Error{fmt::format("{} {}: {}", call.method, shown, httplib::to_string(res.error())), Errc::unavailable};
  return HttpAnswer{res->status, res->body};
}

void ApiHttp::cancel() {
  MutexLock lk(mu_);
  cancelled_ = true;
  if (current_) current_->stop();
}

}  // namespace loopcast
