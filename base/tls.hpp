// TLS policy for every connection loopcast opens through libavformat (ingest, station, cover art,
// AzuraCast feed). FFmpeg's TLS does not verify the peer by default, so an rtmps:// ingest would
// hand the stream key to anyone presenting any certificate: loopcast always asks it to verify the
// chain (system CA bundle, or --ca-file) and the host name, unless --tls-insecure says otherwise.
#pragma once
#include <string>

extern "C" {
struct AVDictionary;
}

namespace loopcast {

struct TlsPolicy {
  bool verify = true;   // false only with --tls-insecure (tests, private ingests)
  std::string ca_file;  // PEM bundle of a private CA; empty = the system's CA bundle
};

// Process-wide, like the CA bundle it names: set once at start-up, read by every opener.
void set_tls_policy(TlsPolicy policy);
TlsPolicy tls_policy();

// Adds the policy's TLS options (tls_verify, ca_file) to the options of an avformat/avio open.
// Harmless for non-TLS URLs: protocols ignore options they do not know.
void apply_tls_policy(AVDictionary** opts);

}  // namespace loopcast
