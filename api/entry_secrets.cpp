#include "api/entry_secrets.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

#include "base/json_text.hpp"
#include "base/redact.hpp"

namespace loopcast {
namespace {
constexpr const char* kHidden = "****";

// One value as GET shows it under `key` (the rule redacted_entry applies to each).
std::string shown(const std::string& key, const std::string& v) {
  if (key == "api_token") return kHidden;
  return redact_text(redact_url(v, key == "output" || key == "backup_output"));
}

std::string text_of(const rapidjson::Document& doc) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc.Accept(w);
  return sb.GetString();
}

// The old entry's strings under `key` (one, or a list's).
std::vector<std::string> old_values(const rapidjson::Document& old, const std::string& key) {
  std::vector<std::string> out;
  if (!old.IsObject()) return out;
  auto it = old.FindMember(key.c_str());
  if (it == old.MemberEnd()) return out;
  if (it->value.IsString()) out.emplace_back(it->value.GetString());
  if (it->value.IsArray())
    for (const auto& v : it->value.GetArray())
      if (v.IsString()) out.emplace_back(v.GetString());
  return out;
}
}  // namespace

std::string redacted_entry(const std::string& entry_json) {
  rapidjson::Document doc;
  if (!parse_json(doc, entry_json) || !doc.IsObject()) return "{}";
  auto& a = doc.GetAllocator();
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string k = it->name.GetString();
    if (it->value.IsString()) it->value.SetString(shown(k, it->value.GetString()).c_str(), a);
    else if ((k == "output" || k == "backup_output") && it->value.IsArray())
      for (auto& o : it->value.GetArray())
        if (o.IsString()) o.SetString(shown(k, o.GetString()).c_str(), a);
  }
  return redact_text(text_of(doc));  // registered secrets anywhere else (nested values) too
}

Result<std::string> restore_hidden(const std::string& id, const std::string& body, const std::string& old_entry) {
  rapidjson::Document doc, old;
  if (!parse_json(doc, body) || !doc.IsObject()) return body;  // the registry's parser says what is wrong with it
  if (!old_entry.empty()) (void)parse_json(old, old_entry);
  auto& a = doc.GetAllocator();
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    const auto olds = old_values(old, key);
    auto restore = [&](rapidjson::Value& v, const std::string& where) -> Status {
      if (!v.IsString() || std::string(v.GetString()).find(kHidden) == std::string::npos) return Status::ok();
      for (const auto& o : olds)
        if (shown(key, o) == v.GetString()) {
          v.SetString(o.c_str(), a);
          return Status::ok();
        }
      return Error{fmt::format("stream '{}': {}: '****' stands for a hidden value (a stream key, a password), but the stream has no "
                               "such value to keep: write the whole value",
                               id, where),
                   Errc::invalid};
    };
    if (it->value.IsArray()) {
      rapidjson::SizeType i = 0;
      for (auto& v : it->value.GetArray())
        if (Status st = restore(v, fmt::format("{} {}", key, ++i)); !st) return st.forward();
    } else if (Status st = restore(it->value, key); !st) {
      return st.forward();
    }
  }
  return text_of(doc);
}

}  // namespace loopcast
