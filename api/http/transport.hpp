// One accepted connection's bytes, plain or TLS, never blocking: the front door's epoll loop
// calls read/write whenever the socket may be ready and moves on when it is not.
#pragma once
#include <sys/types.h>

#include <memory>

typedef struct ssl_ctx_st SSL_CTX;

namespace loopcast {

class Transport {
 public:
  virtual ~Transport() = default;
  // > 0: bytes moved; 0: nothing now (would block; the TLS handshake may be what waits);
  // -1: the connection is over (end of stream, reset, TLS failure).
  virtual ssize_t read(char* buf, size_t size) = 0;
  virtual ssize_t write(const char* buf, size_t size) = 0;
  virtual bool tls() const = 0;
};

std::unique_ptr<Transport> plain_transport(int fd);
// Server side of TLS over a non-blocking socket; the handshake runs inside the first reads.
// Null when OpenSSL cannot make the session.
std::unique_ptr<Transport> tls_transport(int fd, SSL_CTX* ctx);

}  // namespace loopcast
