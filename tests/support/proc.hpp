// Test-side process helpers: shell commands, background processes, polling. (The product never
// spawns anything; tests do, to run the loopcast binary and the rig.)
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace loopcast::test {

struct CmdResult {
  int code = -1;
  std::string output;  // stdout + stderr
};

CmdResult run_cmd(const std::string& shell_command);
// Start argv[0] with argv, stdout+stderr to `log_path`; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path);
// Exit code, or -1 if still running after timeout_s (the process is then left running).
int wait_exit(pid_t pid, double timeout_s);
void send_signal(pid_t pid, int sig);
bool wait_for(const std::function<bool()>& cond, double timeout_s, double poll_s = 0.05);
int free_tcp_port();
std::string read_text(const std::string& path);
std::string make_temp_dir(const std::string& prefix);
// Peak resident set (VmHWM) and current RSS of a running process, in kB; 0 when unknown.
long vm_kb(pid_t pid, const char* field);

}  // namespace loopcast::test
