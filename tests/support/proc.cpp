#include "tests/support/proc.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>
#include <sstream>
#include <string_view>
#include <stdexcept>
#include <thread>

namespace loopcast::test {

CmdResult run_cmd(const std::string& shell_command) {
  CmdResult r;
  // A subshell, so 2>&1 covers every part of a compound command.
  FILE* p = popen(("(" + shell_command + "\n) 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> child_environment(const EnvVars& set) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e)
    if (std::string_view(*e).rfind("LOOPCAST_", 0) != 0) out.emplace_back(*e);
  for (const auto& [name, value] : set) out.push_back(name + "=" + value);
  return out;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path, const EnvVars& env) {
  if (argv.empty()) return -1;
  // Everything allocated before fork: between fork and exec only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::vector<std::string> env_strings = child_environment(env);
  std::vector<char*> envp;
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid, double timeout_s) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0 || std::chrono::steady_clock::now() > end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void send_signal(pid_t pid, int sig) {
  if (pid > 0) kill(pid, sig);
}

int stop_process(pid_t pid, double grace_s) {
  if (pid <= 0) return -1;
  kill(pid, SIGTERM);
  int code = wait_exit(pid, grace_s);
  if (code == -1) {
    kill(pid, SIGKILL);
    code = wait_exit(pid, 5);
  }
  return code;
}

bool wait_for(const std::function<bool()>& cond, double timeout_s, double poll_s) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_s));
  }
  return cond();
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

namespace {

// One short-lived TCP socket on loopback:port, passed to `op` (bind or connect); true on success.
template <class Op>
bool with_socket(int port, Op op) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  sockaddr_in a = loopback(port);
  const bool ok = op(s, a);
  close(s);
  return ok;
}
}  // namespace

int free_tcp_port() {
  // The kernel picks an unused port; it is released again at once, so there is a small window in
  // which someone else may take it (fine on a test machine).
  int port = 0;
  with_socket(0, [&](int s, sockaddr_in& a) {
    socklen_t len = sizeof a;
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) return false;
    port = ntohs(a.sin_port);
    return true;
  });
  return port;
}

bool tcp_port_free(int port) {
  return with_socket(port, [](int s, sockaddr_in& a) { return bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0; });
}

bool tcp_connects(int port) {
  return with_socket(port, [](int s, sockaddr_in& a) { return connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0; });
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);  // (loops and pictures too: bytes as they are)
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {
// Every temporary directory a test process made goes when that process exits (each ctest case is
// its own process), so runs do not pile logs and recordings up in /tmp. Only the process that made
// a directory removes it: a forked helper that calls exit() must not take its parent's files.
// LOOPCAST_KEEP_TMP=1 (or the rig's LOOPCAST_KEEP_RIG=1) keeps them for a post-mortem.
class TempDirs {
 public:
  void add(const std::string& dir) {
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.push_back(dir);
  }
  ~TempDirs() {
    if (getpid() != owner_ || std::getenv("LOOPCAST_KEEP_TMP") || std::getenv("LOOPCAST_KEEP_RIG")) return;
    std::error_code ec;
    for (const auto& d : dirs_) std::filesystem::remove_all(d, ec);
  }

 private:
  std::mutex mu_;
  std::vector<std::string> dirs_;
  const pid_t owner_ = getpid();
};
TempDirs& temp_dirs() {
  static TempDirs dirs;
  return dirs;
}
}  // namespace

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
  temp_dirs().add(tmpl);
  return tmpl;
}

long vm_kb(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + key.size());
  return 0;
}

int listen_loopback(int backlog, int& port, const std::function<void(int)>& before_bind) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (before_bind) before_bind(fd);
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    return -1;
  }
  port = ntohs(a.sin_port);
  return fd;
}

SilentListener::SilentListener() { fd = listen_loopback(8, port); }

SilentListener::~SilentListener() { close_now(); }

void SilentListener::close_now() {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace loopcast::test
