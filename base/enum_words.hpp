// An enum's words in one table, read both ways: a mode's parse_x() and to_string() cannot disagree,
// and a new value is one line. The table lists every value once, in any order.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace loopcast {

template <class Enum>
using EnumWord = std::pair<Enum, const char*>;

template <class Enum, std::size_t N>
constexpr std::optional<Enum> enum_from_word(const EnumWord<Enum> (&words)[N], std::string_view text) {
  for (const auto& [value, word] : words)
    if (text == word) return value;
  return std::nullopt;
}

template <class Enum, std::size_t N>
constexpr const char* enum_to_word(const EnumWord<Enum> (&words)[N], Enum value) {
  for (const auto& [v, word] : words)
    if (v == value) return word;
  return "?";  // unreachable while the table lists every value
}

}  // namespace loopcast
