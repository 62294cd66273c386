#include "api/http/transport.hpp"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

namespace loopcast {
namespace {
class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(int fd) : fd_(fd) {}
  ssize_t read(char* buf, size_t size) override { return result(::recv(fd_, buf, size, 0)); }
  ssize_t write(const char* buf, size_t size) override { return result(::send(fd_, buf, size, MSG_NOSIGNAL)); }
  bool tls() const override { return false; }

 private:
  static ssize_t result(ssize_t n) {
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;
  }
  int fd_;
};

class TlsTransport final : public Transport {
 public:
  explicit TlsTransport(SSL* ssl) : ssl_(ssl) {}
  ~TlsTransport() override { SSL_free(ssl_); }
  ssize_t read(char* buf, size_t size) override { return result(SSL_read(ssl_, buf, static_cast<int>(size))); }
  ssize_t write(const char* buf, size_t size) override { return result(SSL_write(ssl_, buf, static_cast<int>(size))); }
  bool tls() const override { return true; }

 private:
  ssize_t result(int n) {
    if (n > 0) return n;
    const int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    ERR_clear_error();  // a client's bad handshake is its problem: nothing left for the next session
    return -1;
  }
  SSL* ssl_;
};
}  // namespace

std::unique_ptr<Transport> plain_transport(int fd) { return std::make_unique<PlainTransport>(fd); }

std::unique_ptr<Transport> tls_transport(int fd, SSL_CTX* ctx) {
  SSL* ssl = SSL_new(ctx);
  if (!ssl) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return std::make_unique<TlsTransport>(ssl);
}

}  // namespace loopcast
