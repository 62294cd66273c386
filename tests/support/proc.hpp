// Test-side process helpers: shell commands, background processes, polling. (The product never
// spawns anything; tests do, to run the loopcast binary and the rig.)
#pragma once
#include <netinet/in.h>
#include <sys/types.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace loopcast::test {

struct CmdResult {
  int code = -1;
  std::string output;  // stdout + stderr
};

// Runs `sh -c shell_command` to completion (popen); output is stdout and stderr together.
CmdResult run_cmd(const std::string& shell_command);
// 'it'\''s' — one shell word, whatever the text holds.
std::string shell_quote(const std::string& s);

// Variables a test gives a spawned process: (name, value).
using EnvVars = std::vector<std::pair<std::string, std::string>>;
// The environment of a spawned process: this process's, with every LOOPCAST_* variable removed
// (a developer's shell with LOOPCAST_API_TOKEN or LOOPCAST_OUTPUT set must not change what a test
// sees), plus exactly the `set` ones. "NAME=value" entries.
std::vector<std::string> child_environment(const EnvVars& set = {});

// Start argv[0] (PATH lookup) with argv, stdout+stderr to `log_path`, in child_environment(env);
// returns the pid (-1 on failure).
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path, const EnvVars& env = {});
// Exit code (128 + signal when killed), or -1 if still running after timeout_s (it is left running).
int wait_exit(pid_t pid, double timeout_s);
void send_signal(pid_t pid, int sig);
// SIGTERM, wait up to grace_s, then SIGKILL; returns the exit code as wait_exit does.
int stop_process(pid_t pid, double grace_s = 5);

// Owns a spawned helper process: SIGKILLed and reaped at scope exit, so a failing REQUIRE leaves
// nothing behind (ctest would wait for any process still holding its output pipe).
struct KilledAtExit {
  explicit KilledAtExit(pid_t p) : pid(p) {}
  ~KilledAtExit() {
    if (pid > 0) {
      send_signal(pid, SIGKILL);
      wait_exit(pid, 5);
    }
  }
  KilledAtExit(const KilledAtExit&) = delete;
  KilledAtExit& operator=(const KilledAtExit&) = delete;
  pid_t pid;
};

// Polls `cond` until it holds (true) or timeout_s passes (false; cond is asked once more at the end).
bool wait_for(const std::function<bool()>& cond, double timeout_s, double poll_s = 0.05);

sockaddr_in loopback(int port);  // 127.0.0.1:port
// A socket listening on 127.0.0.1 at a free port (stored in `port`); `before_bind` may set options
// the accepted sockets inherit. -1 on failure.
int listen_loopback(int backlog, int& port, const std::function<void(int)>& before_bind = {});
int free_tcp_port();            // a port nothing listens on at 127.0.0.1 right now (0 on failure)
bool tcp_port_free(int port);   // 127.0.0.1:port can be bound
bool tcp_connects(int port);    // something accepts connections on 127.0.0.1:port
std::string read_text(const std::string& path);
// A fresh /tmp/PREFIX-XXXXXX, removed when the test process exits (LOOPCAST_KEEP_TMP=1 keeps it).
std::string make_temp_dir(const std::string& prefix);
// A make_temp_dir() removed with all it holds at scope exit (caches and recordings add up).
struct TempDir {
  explicit TempDir(const std::string& prefix) : path(make_temp_dir(prefix)) {}
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string path;
};
// Peak resident set (VmHWM) and current RSS of a running process, in kB; 0 when unknown.
long vm_kb(pid_t pid, const char* field);

// A TCP listener on loopback that accepts nothing and says nothing: the stalled peer.
struct SilentListener {
  SilentListener();
  ~SilentListener();
  void close_now();  // nothing listens on `port` afterwards: connections are refused
  int fd = -1;
  int port = 0;
};

}  // namespace loopcast::test
