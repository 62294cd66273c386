#include "api/guarded_server.hpp"

#include <fmt/format.h>

#include "api/worker_pool.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
thread_local int t_socket = -1;

const std::string& busy_reply() {
  static const std::string body = "{\"error\":\"too many connections from this address\"}";
  static const std::string reply = fmt::format(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
      body.size(), body);
  return reply;
}
}  // namespace

GuardedServer::GuardedServer(ConnectionLimits limits) : limits_(limits) {
  new_task_queue = [l = limits_] { return new WorkerPool(l.workers, l.queue); };
  set_keep_alive_timeout(limits_.header_timeout_s);
  set_read_timeout(limits_.header_timeout_s, 0);
  set_write_timeout(limits_.header_timeout_s, 0);
}

int GuardedServer::current_socket() { return t_socket; }

bool GuardedServer::admit(const std::string& addr) {
  MutexLock lk(mu_);
  size_t& n = open_[addr];
  if (n >= limits_.per_address) return false;
  ++n;
  return true;
}

void GuardedServer::release(const std::string& addr) {
  MutexLock lk(mu_);
  if (auto it = open_.find(addr); it != open_.end() && --it->second == 0) open_.erase(it);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  std::string remote_addr, local_addr;
  int remote_port = 0, local_port = 0;
  httplib::detail::get_remote_ip_and_port(sock, remote_addr, remote_port);
  if (!admit(remote_addr)) {
    if (refused_++ % 100 == 0) log::warn("http", "refusing connections from {}: over {} open", remote_addr, limits_.per_address);
    (void)::send(sock, busy_reply().data(), busy_reply().size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    httplib::detail::shutdown_socket(sock);
    httplib::detail::close_socket(sock);
    return false;
  }
  httplib::detail::get_local_ip_and_port(sock, local_addr, local_port);
  t_socket = sock;
  // From here on, httplib's own Server::process_and_close_socket (0.53.1), unchanged.
  bool websocket_upgraded = false;
  const bool ret = httplib::detail::process_server_socket(
      svr_sock_, sock, keep_alive_max_count_, keep_alive_timeout_sec_, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_,
      write_timeout_usec_, [&](httplib::Stream& strm, bool close_connection, bool& connection_closed) {
        return process_request(strm, remote_addr, remote_port, local_addr, local_port, close_connection, connection_closed, nullptr,
                               &websocket_upgraded);
      });
  httplib::detail::drain_and_close_socket(sock);
  t_socket = -1;
  release(remote_addr);
  return ret;
}

}  // namespace loopcast
