// Parsing a JSON document from outside (webhook, control file, config, mapping) with one
// error wording: "invalid JSON at offset N: <reason>".
#pragma once
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace loopcast {

inline Status parse_json(rapidjson::Document& doc, std::string_view text, std::string_view what = {}) {
  doc.Parse(text.data(), text.size());
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
