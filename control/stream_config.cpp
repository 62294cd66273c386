#include "control/stream_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "base/redact.hpp"
#include "control/json_text.hpp"

namespace loopcast {
namespace {
std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }
}  // namespace

bool valid_stream_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_process_key(const std::string& key) {
  static const std::set<std::string> process = {"config", "http_bind", "http_port", "api_token", "webhook_user", "webhook_password",
                                                "control_dir", "log_level", "ca_file", "tls_insecure", "https_cert", "https_key"};
  return process.count(key) > 0;
}

Result<StreamsDocument> split_streams_document(const std::string& json_text) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json_text, "config"); !st) return Error{st.error(), st.code()};
  if (!doc.IsObject()) return invalid("config: the top level must be a JSON object");
  StreamsDocument out;
  if (auto it = doc.FindMember("streams"); it != doc.MemberEnd()) {
    if (!it->value.IsArray()) return invalid("config: 'streams' must be an array of stream objects");
    if (it->value.Empty()) return invalid("config: 'streams' is empty: give at least one stream");
    for (const auto& e : it->value.GetArray()) {
      if (!e.IsObject()) return invalid(fmt::format("config: streams[{}] must be an object", out.entries.size()));
      out.entries.push_back(to_text(e));
    }
    out.has_streams = true;
    doc.RemoveMember("streams");
  }
  out.top_json = to_text(doc);
  return out;
}

Result<StreamSpec> parse_stream_entry(const AppConfig& base, const std::string& entry_json) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, entry_json, "stream"); !st) return Error{st.error(), st.code()};
  if (!doc.IsObject()) return invalid("stream: must be a JSON object");
  auto id_it = doc.FindMember("id");
  if (id_it == doc.MemberEnd() || !id_it->value.IsString()) return invalid("stream: 'id' is missing (a string of a-z, 0-9, '-')");
  StreamSpec s{id_it->value.GetString(), entry_json, base};
  if (!valid_stream_id(s.id)) return invalid(fmt::format("stream id '{}': expected 1..64 of a-z, 0-9, '-'", s.id));
  doc.RemoveMember("id");
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    if (key == "streams") return invalid(fmt::format("stream '{}': 'streams' cannot be nested", s.id));
    if (is_process_key(key)) return invalid(fmt::format("stream '{}': '{}' is process-wide: set it at the top of the config", s.id, key));
  }
  if (Status st = apply_config_json(s.cfg, to_text(doc)); !st) return invalid(fmt::format("stream '{}': {}", s.id, st.error()));
  return s;
}

Status validate_stream(const StreamSpec& s) {
  // A stream may name its station only to route /webhook/azuracast by shortcode, without
  // following its feed: "station" alone is fine here.
  AppConfig check = s.cfg;
  if (check.control.azuracast_url.empty()) check.control.station.clear();
  if (Status st = validate(check); !st) return Error{fmt::format("stream '{}': {}", s.id, st.error()), st.code()};
  return Status::ok();
}

Status validate_streams(const std::vector<StreamSpec>& streams) {
  std::set<std::string> ids;
  std::set<std::pair<std::string, std::string>> outputs;  // (output, stream)
  for (const auto& s : streams) {
    if (!ids.insert(s.id).second) return invalid(fmt::format("stream id '{}' appears twice", s.id));
    for (const auto& o : s.cfg.engine.outputs)
      for (const auto& [url, other] : outputs)
        if (url == o) return invalid(fmt::format("stream '{}': output '{}' is already stream '{}''s", s.id, redact_url(o, true), other));
    for (const auto& o : s.cfg.engine.outputs) outputs.emplace(o, s.id);
  }
  return Status::ok();
}

std::string render_streams_document(const std::string& top_json, const std::vector<std::string>& entries) {
  std::string out = top_json.substr(0, top_json.find_last_of('}'));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  out += out.size() > 1 ? ",\n \"streams\": [\n" : "\n \"streams\": [\n";
  for (size_t i = 0; i < entries.size(); ++i) out += "  " + entries[i] + (i + 1 < entries.size() ? ",\n" : "\n");
  out += " ]\n}\n";
  return out;
}

std::string config_flag(const std::vector<std::string>& args) {
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--config=", 0) == 0) path = args[i].substr(9);
    else if (args[i] == "--config" && i + 1 < args.size()) path = args[i + 1];
  }
  return path;
}

std::vector<std::string> without_config_flag(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--config=", 0) == 0) continue;
    if (args[i] == "--config") {
      ++i;
      continue;
    }
    rest.push_back(args[i]);
  }
  return rest;
}

}  // namespace loopcast
