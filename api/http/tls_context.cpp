#include "api/http/tls_context.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace loopcast {
namespace {
std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Result<std::shared_ptr<SSL_CTX>> make_context(const std::string& cert_file, const std::string& key_file) {
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return Error{"TLS: " + openssl_error(), Errc::internal};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // The front door writes from a std::string that may move between retries of one SSL_write, and
  // is happy with part of it written.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1)
    return Error{fmt::format("https_cert '{}': {}", cert_file, openssl_error()), Errc::invalid};
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return Error{fmt::format("https_key '{}': {}", key_file, openssl_error()), Errc::invalid};
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return Error{fmt::format("https_key '{}' does not match https_cert '{}'", key_file, cert_file), Errc::invalid};
  return ctx;
}
}  // namespace

Result<std::shared_ptr<TlsContext>> TlsContext::load(const std::string& cert_file, const std::string& key_file) {
  std::shared_ptr<TlsContext> tls(new TlsContext(cert_file, key_file));
  if (Status st = tls->reload(); !st) return st.forward();
  return tls;
}

Status TlsContext::reload() {
  auto ctx = make_context(cert_file_, key_file_);
  if (!ctx) return ctx.forward();
  MutexLock lk(mu_);
  ctx_ = std::move(*ctx);
  return Status::ok();
}

std::shared_ptr<SSL_CTX> TlsContext::current() const {
  MutexLock lk(mu_);
  return ctx_;
}

}  // namespace loopcast
