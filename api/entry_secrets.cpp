#include "api/entry_secrets.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

#include "base/json_text.hpp"
#include "base/redact.hpp"
#include "engine/output/output_profile.hpp"

namespace loopcast {
namespace {
constexpr const char* kHidden = "****";

bool is_output(const std::string& key) { return key == "output" || key == "backup_output"; }

// One value as GET shows it under `key` (the rule redacted_entry applies to each). An output's
// '#profile' is shown as it is, its address redacted as an ingest's.
std::string shown(const std::string& key, const std::string& v) {
  if (key == "api_token") return kHidden;
  return redact_text(is_output(key) ? shown_output(v) : redact_url(v, false));
}

// The string that holds an output's URL: the value itself, or an object output's "url"; null else.
template <class Value>  // rapidjson::Value, or const
Value* url_in(Value& v) {
  if (v.IsString()) return &v;
  if (!v.IsObject()) return nullptr;
  auto url = v.FindMember("url");
  return url != v.MemberEnd() && url->value.IsString() ? &url->value : nullptr;
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
  if (const auto* s = url_in(it->value)) out.emplace_back(s->GetString());
  if (it->value.IsArray())
    for (const auto& v : it->value.GetArray())
      if (const auto* s = url_in(v)) out.emplace_back(s->GetString());
  return out;
}
}  // namespace

std::string redacted_entry(const std::string& entry_json) {
  rapidjson::Document doc;
  if (!parse_json(doc, entry_json) || !doc.IsObject()) return "{}";
  auto& a = doc.GetAllocator();
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string k = it->name.GetString();
    if (it->value.IsString()) {
      it->value.SetString(shown(k, it->value.GetString()).c_str(), a);
    } else if (is_output(k)) {  // an object output {"url": ...}, or a list of strings and objects
      auto hide = [&](rapidjson::Value& o) {
        if (rapidjson::Value* url = url_in(o)) url->SetString(shown(k, url->GetString()).c_str(), a);
      };
      if (it->value.IsArray())
        for (auto& o : it->value.GetArray()) hide(o);
      else hide(it->value);
    }
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
    auto restore = [&](rapidjson::Value& value, const std::string& where) -> Status {
      rapidjson::Value* url = is_output(key) ? url_in(value) : &value;
      if (!url || !url->IsString() || std::string(url->GetString()).find(kHidden) == std::string::npos) return Status::ok();
      rapidjson::Value& v = *url;
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
