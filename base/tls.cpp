#include "base/tls.hpp"

#include "base/thread_annotations.hpp"

#include <mutex>

extern "C" {
#include <libavutil/dict.h>
}

namespace loopcast {
namespace {
Mutex g_mu;
TlsPolicy g_policy GUARDED_BY(g_mu);
}  // namespace

void set_tls_policy(TlsPolicy policy) {
  MutexLock lk(g_mu);
  g_policy = std::move(policy);
}

TlsPolicy tls_policy() {
  MutexLock lk(g_mu);
  return g_policy;
}

void apply_tls_policy(AVDictionary** opts) {
  const TlsPolicy p = tls_policy();
  // FFmpeg's TLS layer (gnutls on Debian) checks the chain against ca_file, or the system trust
  // store when none is given, and the certificate's name against the URL's host.
  av_dict_set(opts, "tls_verify", p.verify ? "1" : "0", 0);
  if (p.verify && !p.ca_file.empty()) av_dict_set(opts, "ca_file", p.ca_file.c_str(), 0);
}

}  // namespace loopcast
