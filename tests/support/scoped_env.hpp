// In-process environment for a test that reads it directly (apply_environment, resolve_stream_key):
// every LOOPCAST_* variable of the shell running the tests is cleared, the given ones are set, and
// all is put back at scope exit. (Spawned binaries get theirs from spawn/child_environment.)
#pragma once
#include <stdlib.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace loopcast::test {

class ScopedEnv {
 public:
  explicit ScopedEnv(std::initializer_list<std::pair<std::string, std::string>> set = {}) {
    for (char** e = environ; e && *e; ++e) {
      const std::string_view entry(*e);
      if (entry.rfind("LOOPCAST_", 0) != 0) continue;
      const auto eq = entry.find('=');
      saved_.emplace_back(std::string(entry.substr(0, eq)), std::string(eq == std::string_view::npos ? "" : entry.substr(eq + 1)));
    }
    for (const auto& [name, value] : saved_) ::unsetenv(name.c_str());
    for (const auto& [name, value] : set) {
      ::setenv(name.c_str(), value.c_str(), 1);
      set_.push_back(name);
    }
  }
  ~ScopedEnv() {
    for (const auto& name : set_) ::unsetenv(name.c_str());
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::string>> saved_;
  std::vector<std::string> set_;
};

}  // namespace loopcast::test
