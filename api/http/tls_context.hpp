// The API's server certificate (--https-cert/--https-key) as an OpenSSL context, replaceable while
// serving: reload() (SIGHUP) builds a new context from the same files and swaps it in for new
// connections; connections already open keep the one they started with (each SSL holds a
// reference). A certificate that does not load leaves the current one in place.
#pragma once
#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace loopcast {

class TlsContext {
 public:
  static Result<std::shared_ptr<TlsContext>> load(const std::string& cert_file, const std::string& key_file);
  Status reload() EXCLUDES(mu_);
  std::shared_ptr<SSL_CTX> current() const EXCLUDES(mu_);

 private:
  TlsContext(std::string cert_file, std::string key_file) : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

  const std::string cert_file_, key_file_;
  mutable Mutex mu_;
  std::shared_ptr<SSL_CTX> ctx_ GUARDED_BY(mu_);
};

}  // namespace loopcast
