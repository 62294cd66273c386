// Levelled, timestamped log lines on stderr; every line passes through redact_text().
#pragma once
#include <fmt/format.h>

#include <optional>
#include <string_view>

namespace loopcast::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
std::optional<Level> parse_level(std::string_view text);  // "debug", "info", "warn", "error"
const char* to_string(Level level);
bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view message);

template <class... Args>
void debug(std::string_view comp, fmt::format_string<Args...> f, Args&&... a) {
  if (enabled(Level::debug)) write(Level::debug, comp, fmt::format(f, std::forward<Args>(a)...));
}
template <class... Args>
void info(std::string_view comp, fmt::format_string<Args...> f, Args&&... a) {
  if (enabled(Level::info)) write(Level::info, comp, fmt::format(f, std::forward<Args>(a)...));
}
template <class... Args>
void warn(std::string_view comp, fmt::format_string<Args...> f, Args&&... a) {
  if (enabled(Level::warn)) write(Level::warn, comp, fmt::format(f, std::forward<Args>(a)...));
}
template <class... Args>
void error(std::string_view comp, fmt::format_string<Args...> f, Args&&... a) {
  if (enabled(Level::error)) write(Level::error, comp, fmt::format(f, std::forward<Args>(a)...));
}

}  // namespace loopcast::log
