// Bits per second as people write them: "2500k", "2.5M", "128000". One reading for every key and
// output profile that takes a bitrate.
#pragma once
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace loopcast {

// nullopt for anything else (empty, not a number, zero or negative, absurdly large).
inline std::optional<int64_t> bitrate_from_text(std::string_view v) {
  if (v.empty()) return std::nullopt;
  double mult = 1;
  std::string num(v);
  const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(v.back())));
  if (last == 'k') mult = 1e3;
  if (last == 'm') mult = 1e6;
  if (mult != 1) num.pop_back();
  char* end = nullptr;
  const double d = std::strtod(num.c_str(), &end);
  // Bounded before the integer conversion: an absurd value is an error, not undefined behaviour.
  if (num.empty() || *end != '\0' || !(d > 0) || d * mult > 1e12) return std::nullopt;
  return static_cast<int64_t>(d * mult);
}

}  // namespace loopcast
