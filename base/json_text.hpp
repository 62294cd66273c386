// Parsing a JSON document from outside (webhook, control file, config, mapping) with one
// error wording: "invalid JSON at offset N: <reason>".
#pragma once
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace loopcast {

// Deeper than any document loopcast reads (the deepest, a config, is 4 levels): refused before
// parsing, because rapidjson's default parser and its Writer/Accept recurse once per level, and a
// body of 175 000 '[' (well under the 1 MiB body cap) overflows a thread's stack and kills the process.
inline constexpr int kMaxJsonDepth = 64;

// The deepest nesting of objects and arrays in `text`, brackets inside strings not counted;
// stops counting past `limit`.
inline int json_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

inline Status parse_json(rapidjson::Document& doc, std::string_view text, std::string_view what = {}) {
  if (json_depth(text, kMaxJsonDepth) > kMaxJsonDepth)
    return Error{fmt::format("{}{}invalid JSON: nested deeper than {} levels", what, what.empty() ? "" : ": ", kMaxJsonDepth), Errc::invalid};
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());  // no recursion on the parse side either
  if (!doc.HasParseError()) return Status::ok();
  return Error{fmt::format("{}{}invalid JSON at offset {}: {}", what, what.empty() ? "" : ": ", doc.GetErrorOffset(),
                           rapidjson::GetParseError_En(doc.GetParseError())),
               Errc::invalid};
}

// `s` as a JSON string literal, quotes and escapes included.
inline std::string json_quote(std::string_view s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return sb.GetString();
}

}  // namespace loopcast
