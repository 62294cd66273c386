#include "base/log.hpp"

#include "base/thread_annotations.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "base/redact.hpp"

namespace loopcast::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
Mutex g_mu;  // one line at a time on stderr (the lines of two threads never interleave)
constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
}  // namespace

void set_level(Level level) { g_level = static_cast<int>(level); }

std::optional<Level> parse_level(std::string_view text) {
  for (int i = 0; i < 4; ++i)
    if (text == kNames[i]) return static_cast<Level>(i);
  return std::nullopt;
}

const char* to_string(Level level) { return kNames[static_cast<int>(level)]; }
bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void write(Level level, std::string_view component, std::string_view message) {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {:<5} [{}] {}\n", tm.tm_year + 1900,
                                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms,
                                 kNames[static_cast<int>(level)], component, redact_text(message));
  MutexLock lk(g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace loopcast::log
