#include "api/http/front_door.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/http/tls_context.hpp"
#include "api/http/transport.hpp"
#include "api/worker_pool.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
using Clock = std::chrono::steady_clock;
constexpr uint64_t kListenId = 1, kWakeId = 2;
constexpr auto kSweepEvery = std::chrono::milliseconds(200);
// Workers kept when idle: requests reach them whole and leave quickly, so a burst's extra threads
// are not worth keeping (they leave after 10 s without work).
constexpr size_t kKeptWorkers = 2;

std::string reply(int status, const char* reason, const std::string& message) {
  const std::string body = "{\"error\":" + json_quote(message) + "}";
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", status,
                     reason, body.size(), body);
}

const char* reason_of(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 500:
      return "Internal Server Error";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Service Unavailable";
  }
}

// The client's address as text ("127.0.0.5", "::1"); an IPv4 client of an IPv6 socket reads as IPv4.
std::pair<std::string, int> address_of(const sockaddr_storage& ss) {
  char text[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(ss);
    inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return {text, ntohs(a.sin_port)};
  }
  const auto& a = reinterpret_cast<const sockaddr_in6&>(ss);
  if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr)) inet_ntop(AF_INET, &a.sin6_addr.s6_addr[12], text, sizeof text);
  else inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
  return {text, ntohs(a.sin6_port)};
}

std::pair<std::string, int> local_address_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {"", 0};
  return address_of(ss);
}

// Bytes of this connection's output still in the kernel, not yet acknowledged by the client.
size_t kernel_unsent(int fd) {
  int n = 0;
  return ::ioctl(fd, SIOCOUTQ, &n) == 0 && n > 0 ? static_cast<size_t>(n) : 0;
}
// All of `data` to a local file (a short write is continued; EINTR retried).
bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}
}  // namespace

SpooledBody::~SpooledBody() {
  if (!kept && !path.empty()) ::unlink(path.c_str());
}

struct FrontDoor::Conn {
  enum class State { reading, serving, events };
  uint64_t id = 0;
  int fd = -1;
  std::string addr, local_addr;
  int port = 0, local_port = 0;
  std::unique_ptr<Transport> io;
  State state = State::reading;
  std::string in, out;
  size_t out_at = 0;                  // bytes of `out` already written
  Clock::time_point since;            // start of the current request's deadline
  Clock::time_point body_deadline{};  // set once its headers are in
  Clock::time_point write_progress;   // last time the client took bytes
  bool headers_in = false;
  bool want_continue = false, continue_sent = false;
  bool response_unsent = false;  // a response is in `out`: its end restarts the deadline
  bool close_when_sent = false, peer_gone = false;
  std::function<void(bool)> released;  // an event stream's end
  bool read_capped = false;            // the last read_some() stopped at its cap, not at EAGAIN
  // A spooled request (FramingLimits::spool_prefix) being received: its head, and its body's file.
  std::string spool_head;
  uint64_t spool_expected = 0;
  int spool_fd = -1;
  std::shared_ptr<SpooledBody> spool;  // dropped (the file removed) if the client leaves mid-body
  ~Conn() {
    io.reset();  // the TLS session goes before its socket
    if (fd >= 0) ::close(fd);
    if (spool_fd >= 0) ::close(spool_fd);
  }
};

FrontDoor::FrontDoor(FrontLimits limits, Serve serve, std::shared_ptr<TlsContext> tls)
    : limits_(limits),
      serve_(std::move(serve)),
      tls_(std::move(tls)),
      workers_(std::make_unique<WorkerPool>(limits.workers, limits.queued_requests, kKeptWorkers)) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  // Kept for the moment the process runs out of descriptors: closing it lets one more accept()
  // succeed, so a client is told 503 instead of waiting in the backlog.
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeId;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

FrontDoor::~FrontDoor() {
  stop();
  for (int fd : {epoll_fd_, wake_fd_, spare_fd_, listen_fd_})
    if (fd >= 0) ::close(fd);
}

Result<int> FrontDoor::listen(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0 || !found)
    return Error{fmt::format("cannot resolve '{}'", host), Errc::unavailable};
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 4096) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return Error{fmt::format("cannot listen on {}:{}", host, port), Errc::unavailable};
  listen_fd_ = fd;
  epoll_event ev{};
  ev.events = EPOLLIN;  // level-triggered: an accept left for later is announced again
  ev.data.u64 = kListenId;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  return local_address_of(fd).second;
}

void FrontDoor::start() {
  thread_ = std::thread([this] { run(); });
}

void FrontDoor::stop() {
  if (stopping_.exchange(true)) return;
  wake();
  if (thread_.joinable()) thread_.join();
  workers_->shutdown();  // requests in flight finish; their answers find no connection
  std::vector<std::pair<uint64_t, Outbound>> late;
  {
    MutexLock lk(mu_);
    late.swap(completed_);
    pushed_.clear();
  }
  for (auto& [id, out] : late)
    if (out.released) out.released(false);
}

void FrontDoor::wake() {
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void FrontDoor::complete(uint64_t conn, Outbound out) {
  {
    MutexLock lk(mu_);
    completed_.emplace_back(conn, std::move(out));
  }
  wake();
}

void FrontDoor::push(uint64_t conn, std::string bytes, bool last) {
  {
    MutexLock lk(mu_);
    pushed_.push_back(Pushed{conn, std::move(bytes), last});
  }
  wake();
}

void FrontDoor::run() {
  sigset_t pipe;  // a TLS write to a vanished client must not kill the process (SSL_write has no MSG_NOSIGNAL)
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  epoll_event events[256];
  auto next_sweep = Clock::now() + kSweepEvery;
  while (!stopping_) {
    const int n = ::epoll_wait(epoll_fd_, events, 256, 100);
    for (int i = 0; i < n; ++i) {
      const uint64_t id = events[i].data.u64;
      if (id == kListenId) {
        accept_all();
      } else if (id == kWakeId) {
        uint64_t count = 0;
        (void)!::read(wake_fd_, &count, sizeof count);
        take_completions();
      } else {
        service(id);
      }
    }
    if (Clock::now() >= next_sweep) {
      sweep();
      next_sweep = Clock::now() + kSweepEvery;
    }
  }
  std::vector<uint64_t> ids;
  for (const auto& [id, c] : conns_) ids.push_back(id);
  for (uint64_t id : ids) close_conn(id);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void FrontDoor::refuse(int fd, std::atomic<uint64_t>& counter, const char* why, const std::string& addr) {
  ++counter;
  if (!tls_) {  // a TLS client would read a plain 503 as a broken handshake: it just sees the close
    static const std::string busy = reply(503, "Service Unavailable", "too many connections: try again later");
    (void)::send(fd, busy.data(), busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  ::close(fd);
  // One line per 10 s at most, with the count of the others: a flood must not become a log flood.
  const auto now = Clock::now();
  if (now - refusal_logged_ < std::chrono::seconds(10)) {
    ++refusals_unlogged_;
    return;
  }
  log::warn("http", "refusing connections: {} (from {}; {} more refused since the last report)", why, addr, refusals_unlogged_);
  refusal_logged_ = now;
  refusals_unlogged_ = 0;
}

void FrontDoor::accept_all() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
        ::close(spare_fd_);
        fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) refuse(fd, stats_.refused_global, "out of file descriptors", "?");
        spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) continue;
      }
      return;  // EAGAIN, or nothing to be done now (level-triggered: it comes back)
    }
    const auto [addr, port] = address_of(ss);
    if (stats_.open >= limits_.max_connections) {
      refuse(fd, stats_.refused_global, fmt::format("{} open, the global limit", limits_.max_connections).c_str(), addr);
      continue;
    }
    size_t& from_addr = per_address_[addr];
    if (from_addr >= limits_.per_address) {
      refuse(fd, stats_.refused_address, fmt::format("{} open from one address, its limit", limits_.per_address).c_str(), addr);
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->io = tls_ ? tls_transport(fd, tls_->current().get()) : plain_transport(fd);
    if (!c->io) {
      if (from_addr == 0) per_address_.erase(addr);
      continue;  // ~Conn closes it
    }
    c->id = next_id_++;
    c->addr = addr;
    c->port = port;
    std::tie(c->local_addr, c->local_port) = local_address_of(fd);
    c->since = c->write_progress = Clock::now();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;  // edge-triggered: pump() reads and writes until EAGAIN
    ev.data.u64 = c->id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      if (from_addr == 0) per_address_.erase(addr);  // no entry left behind for an address never counted
      continue;  // ~Conn closes it
    }
    ++from_addr;
    ++stats_.open;
    conns_.emplace(c->id, std::move(c));
  }
}

void FrontDoor::service(uint64_t id) {
  auto it = conns_.find(id);
  if (it != conns_.end() && !pump(*it->second)) close_conn(id);
}

bool FrontDoor::pump(Conn& c) {
  // Edge-triggered: a read stopped at the cap is not announced again, so a body being spooled
  // (drained to its file by frame()) is read on until the kernel has nothing more.
  do {
    if (!read_some(c)) c.peer_gone = true;
    frame(c);
  } while (c.spool_fd >= 0 && c.read_capped && !c.peer_gone && c.in.empty());
  if (!flush(c)) return false;
  if (c.state == Conn::State::reading && c.out.empty() && !c.in.empty()) {  // a pipelined request waited for the last response
    frame(c);
    if (!flush(c)) return false;
  }
  if (!c.out.empty()) return true;
  if (c.close_when_sent) return false;
  return !(c.peer_gone && c.state != Conn::State::serving);
}

bool FrontDoor::read_some(Conn& c) {
  // While a worker has its request, the next one may queue up to one header block; the rest
  // waits in the kernel (pump() runs again when the answer comes).
  if (c.state == Conn::State::serving && c.in.size() >= limits_.framing.max_header_bytes) return true;
  const size_t most = limits_.framing.max_header_bytes + limits_.framing.max_body_bytes + 4096;
  char buf[16384];
  c.read_capped = false;
  while (c.in.size() < most) {
    const ssize_t n = c.io->read(buf, sizeof buf);
    if (n < 0) return false;
    if (n == 0) return true;
    if (c.state != Conn::State::events) c.in.append(buf, static_cast<size_t>(n));  // a listener has nothing to say
  }
  c.read_capped = true;
  return true;
}

void FrontDoor::frame(Conn& c) {
  while (c.state == Conn::State::reading && !c.close_when_sent && !c.in.empty()) {
    if (c.spool_fd >= 0) return spool_some(c);  // the rest of c.in is that body
    FramedRequest f = frame_request(c.in, limits_.framing);
    if (f.state == Framing::refused) {
      c.in.clear();
      queue_reply(c, Outbound{reply(f.refusal_status, reason_of(f.refusal_status), f.refusal), true});
      return;
    }
    if (f.expects_continue) {
      // Answered here, once, and taken out of the request: httplib would send a second
      // "100 Continue" after the body, which the client would read as the response.
      c.in.erase(f.expect_begin, f.expect_end - f.expect_begin);
      c.want_continue = f.http11;
      continue;
    }
    if (f.header_bytes == 0) return;
    if (!c.headers_in) {
      c.headers_in = true;
      const auto body_time = std::chrono::milliseconds(1000 * f.body_bytes / std::max<size_t>(1, limits_.min_body_rate));
      c.body_deadline = Clock::now() + limits_.header_timeout + body_time;
    }
    if (f.spooled) {
      if (c.out_at < c.out.size()) return;  // as below: one response at a time
      return start_spool(c, f.header_bytes, f.body_bytes);
    }
    if (f.state == Framing::incomplete) {
      if (c.want_continue && !c.continue_sent) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.continue_sent = true;
      }
      return;
    }
    if (c.out_at < c.out.size()) return;  // one response at a time: the next request waits for this one to be taken
    dispatch(c, f.total_bytes());
  }
}

void FrontDoor::start_spool(Conn& c, size_t header_bytes, uint64_t body_bytes) {
  if (limits_.admit_spool) {
    const auto [status, why] = limits_.admit_spool(std::string_view(c.in).substr(0, header_bytes));
    if (status != 0) {
      c.in.clear();
      queue_reply(c, Outbound{reply(status, reason_of(status), why), true});
      return;
    }
  }
  auto spool = std::make_shared<SpooledBody>();
  std::string path = limits_.spool_dir + "/.upload-XXXXXX";  // hidden: no loop listing shows a partial upload
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    const std::string why = fmt::format("cannot store the upload in {}: {}", limits_.spool_dir, std::strerror(errno));
    log::warn("http", "{}", why);
    c.in.clear();
    queue_reply(c, Outbound{reply(500, reason_of(500), why), true});
    return;
  }
  spool->path = path;
  c.spool = std::move(spool);
  c.spool_fd = fd;
  c.spool_head = c.in.substr(0, header_bytes);
  c.in.erase(0, header_bytes);
  c.spool_expected = body_bytes;
  if (c.want_continue && !c.continue_sent) {
    c.out += "HTTP/1.1 100 Continue\r\n\r\n";
    c.continue_sent = true;
  }
  spool_some(c);
}

void FrontDoor::spool_some(Conn& c) {
  // Disk writes on this thread: a local file takes them into the page cache at memory speed, and
  // a body arrives no faster than the network (one upload at a time is what the console sends).
  const size_t n = static_cast<size_t>(std::min<uint64_t>(c.in.size(), c.spool_expected - c.spool->bytes));
  if (n > 0 && !write_all(c.spool_fd, c.in.data(), n)) {
    const std::string why = fmt::format("cannot store the upload in {}: {}", limits_.spool_dir, std::strerror(errno));
    log::warn("http", "{}", why);
    ::close(c.spool_fd);
    c.spool_fd = -1;
    c.spool.reset();
    c.in.clear();
    queue_reply(c, Outbound{reply(500, reason_of(500), why), true});
    return;
  }
  c.spool->bytes += n;
  c.in.erase(0, n);
  if (c.spool->bytes < c.spool_expected) return;
  ::close(c.spool_fd);
  c.spool_fd = -1;
  c.in.insert(0, head_without_body(c.spool_head));  // what dispatch() hands on: the head, then any pipelined bytes
  const size_t head = c.in.find("\r\n\r\n") + 4;
  c.spool_head.clear();
  dispatch(c, head);
}

void FrontDoor::dispatch(Conn& c, size_t bytes) {
  auto in = std::make_shared<Inbound>();
  in->conn = c.id;
  in->bytes = c.in.substr(0, bytes);
  in->spooled = std::move(c.spool);
  c.in.erase(0, bytes);
  in->remote_addr = c.addr;
  in->remote_port = c.port;
  in->local_addr = c.local_addr;
  in->local_port = c.local_port;
  c.state = Conn::State::serving;
  c.headers_in = c.want_continue = c.continue_sent = false;
  const bool queued = workers_->enqueue([this, in] {
    Outbound out;
    try {
      out = serve_(*in);
    } catch (...) {  // httplib catches a route's exceptions; this is for the adapter's own
      out = Outbound{reply(500, "Internal Server Error", "request failed"), true};
    }
    complete(in->conn, std::move(out));
  });
  if (!queued) {
    ++stats_.refused_busy;
    queue_reply(c, Outbound{reply(503, "Service Unavailable", "server busy: try again later"), true});
  }
}

bool FrontDoor::flush(Conn& c) {
  while (c.out_at < c.out.size()) {
    const ssize_t n = c.io->write(c.out.data() + c.out_at, c.out.size() - c.out_at);
    if (n < 0) return false;
    if (n == 0) break;
    c.out_at += static_cast<size_t>(n);
    c.write_progress = Clock::now();
  }
  if (c.out_at == c.out.size()) {
    c.out.clear();
    c.out_at = 0;
    if (c.response_unsent) {  // the next request's time starts when this response is taken
      c.response_unsent = false;
      c.since = Clock::now();
    }
  } else if (c.out_at > 65536) {
    c.out.erase(0, c.out_at);
    c.out_at = 0;
  }
  return true;
}

void FrontDoor::queue_reply(Conn& c, Outbound out) {
  c.out += out.bytes;
  c.write_progress = c.since = Clock::now();
  c.response_unsent = true;
  if (out.close) c.close_when_sent = true;
  if (out.adopted) {
    c.state = Conn::State::events;
    c.in.clear();
    c.released = std::move(out.released);
    out.adopted();
  } else {
    c.state = Conn::State::reading;
  }
}

void FrontDoor::take_completions() {
  std::vector<std::pair<uint64_t, Outbound>> done;
  std::vector<Pushed> pushed;
  {
    MutexLock lk(mu_);
    done.swap(completed_);
    pushed.swap(pushed_);
  }
  for (auto& [id, out] : done) {
    auto it = conns_.find(id);
    if (it == conns_.end()) {  // the client left while its request was served
      if (out.released) out.released(false);
      continue;
    }
    queue_reply(*it->second, std::move(out));
    service(id);
  }
  for (auto& p : pushed) {
    auto it = conns_.find(p.conn);
    if (it == conns_.end() || it->second->state != Conn::State::events) continue;
    Conn& c = *it->second;
    c.out += p.bytes;
    if (p.last) c.close_when_sent = true;
    if (c.out.size() - c.out_at + kernel_unsent(c.fd) > limits_.max_event_backlog) {
      ++stats_.events_dropped;
      close_conn(p.conn, true);
      continue;
    }
    service(p.conn);
  }
}

void FrontDoor::sweep() {
  const auto now = Clock::now();
  std::vector<std::pair<uint64_t, std::atomic<uint64_t>*>> expired;
  for (const auto& [id, cp] : conns_) {
    const Conn& c = *cp;
    if (c.out_at < c.out.size()) {
      // An event listener that takes nothing is dropped like one whose backlog overflows.
      const bool listener = c.state == Conn::State::events;
      if (now - c.write_progress > limits_.write_timeout)
        expired.emplace_back(id, listener ? &stats_.events_dropped : &stats_.write_timeouts);
      continue;
    }
    if (c.state != Conn::State::reading) continue;
    if (c.headers_in) {
      if (now > c.body_deadline) expired.emplace_back(id, &stats_.body_timeouts);
    } else if (c.in.empty()) {
      if (now - c.since > limits_.idle_timeout) expired.emplace_back(id, &stats_.idle_closed);
    } else if (now - c.since > limits_.header_timeout) {
      expired.emplace_back(id, &stats_.header_timeouts);
    }
  }
  for (auto& [id, counter] : expired) {
    ++*counter;
    close_conn(id, counter == &stats_.events_dropped);
  }
}

void FrontDoor::close_conn(uint64_t id, bool dropped) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  std::unique_ptr<Conn> c = std::move(it->second);
  conns_.erase(it);
  if (auto a = per_address_.find(c->addr); a != per_address_.end() && --a->second == 0) per_address_.erase(a);
  --stats_.open;
  if (c->released) c->released(dropped);
}

}  // namespace loopcast
