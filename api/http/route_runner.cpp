#include "api/http/route_runner.hpp"

#include <optional>

namespace loopcast {
namespace {
thread_local uint64_t t_connection = 0;
thread_local std::optional<Outbound> t_adopted;
thread_local SpooledBody* t_spooled = nullptr;

// One request's bytes in, the response's bytes out.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(const Inbound& in, std::string& out) : in_(in), out_(out) {}
  bool is_readable() const override { return at_ < in_.bytes.size(); }
  bool wait_readable() const override { return true; }
  bool wait_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.bytes.size() - at_);
    in_.bytes.copy(ptr, n, at_);
    at_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = in_.remote_addr;
    port = in_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = in_.local_addr;
    port = in_.local_port;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  time_t duration() const override { return 0; }

 private:
  const Inbound& in_;
  std::string& out_;
  size_t at_ = 0;
};

bool says_close(const std::string& response) {
  const size_t head = response.find("\r\n\r\n");  // the head with its last line's CRLF
  return head != std::string::npos && response.substr(0, head + 2).find("\r\nConnection: close\r\n") != std::string::npos;
}
}  // namespace

RouteRunner::RouteRunner(int keep_alive_s) { set_keep_alive_timeout(keep_alive_s); }

uint64_t RouteRunner::current_connection() { return t_connection; }
SpooledBody* RouteRunner::spooled_body() { return t_spooled; }

void RouteRunner::adopt_connection(std::string head, std::function<void()> adopted, std::function<void(bool)> released) {
  t_adopted = Outbound{std::move(head), false, std::move(adopted), std::move(released)};
}

Outbound RouteRunner::serve(Inbound& in) {
  Outbound out;
  MemoryStream strm(in, out.bytes);
  bool connection_closed = false;
  t_connection = in.conn;
  t_spooled = in.spooled.get();
  t_adopted.reset();
  const bool ok = process_request(strm, in.remote_addr, in.remote_port, in.local_addr, in.local_port, false, connection_closed, nullptr);
  t_connection = 0;
  t_spooled = nullptr;
  if (t_adopted) {
    out = std::move(*t_adopted);
    t_adopted.reset();
    return out;
  }
  out.close = !ok || connection_closed || out.bytes.empty() || says_close(out.bytes);
  return out;
}

}  // namespace loopcast
