#include "control/config/stream_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <set>

#include "base/redact.hpp"
#include "base/json_text.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/output/platform.hpp"

namespace loopcast {
namespace {
std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }

std::string env_or_empty(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

// The keys only an entry has (its token, its backup), taken out before the shared key table.
Status take_entry_keys(rapidjson::Document& doc, StreamSpec& s) {
  if (auto it = doc.FindMember("api_token"); it != doc.MemberEnd()) {
    if (!it->value.IsString() || it->value.GetStringLength() == 0) return invalid(fmt::format("stream '{}': api_token: expected a non-empty string", s.id));
    s.api_token = it->value.GetString();
    doc.RemoveMember(it);
  }
  if (s.api_token.empty()) s.api_token = env_or_empty(stream_env_name("API_TOKEN", s.id));
  if (auto it = doc.FindMember("backup"); it != doc.MemberEnd()) {
    if (!it->value.IsBool()) return invalid(fmt::format("stream '{}': backup: expected true or false", s.id));
    s.backup = it->value.GetBool();
    doc.RemoveMember(it);
  }
  if (auto it = doc.FindMember("backup_output"); it != doc.MemberEnd()) {
    if (it->value.IsString()) s.backup_outputs = {it->value.GetString()};
    else if (it->value.IsArray()) {
      for (const auto& o : it->value.GetArray()) {
        if (!o.IsString()) return invalid(fmt::format("stream '{}': backup_output: expected URLs", s.id));
        s.backup_outputs.emplace_back(o.GetString());
      }
    } else return invalid(fmt::format("stream '{}': backup_output: expected a URL or a list of URLs", s.id));
    doc.RemoveMember(it);
  }
  if (!s.backup_outputs.empty() && !s.backup) return invalid(fmt::format("stream '{}': backup_output without \"backup\": true", s.id));
  return Status::ok();
}
}  // namespace

std::string stream_env_name(const std::string& what, const std::string& id) {
  std::string name = "LOOPCAST_" + what + "_";
  for (char c : id) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

void fill_stream_key(StreamSpec& s) {
  const std::string key = env_or_empty(stream_env_name("STREAM_KEY", s.id));
  if (key.empty()) return;
  for (auto* list : {&s.cfg.engine.outputs, &s.backup_outputs})
    for (auto& o : *list)
      for (auto pos = o.find("{key}"); pos != std::string::npos; pos = o.find("{key}")) o.replace(pos, 5, key);
}

Status resolve_backup_outputs(StreamSpec& s) {
  if (!s.backup) return Status::ok();
  if (s.backup_outputs.empty()) {
    static const std::regex primary(R"(^(rtmps?)://a\.(rtmps?)\.youtube\.com(:[0-9]+)?/live2/(.+)$)");
    for (const auto& given : s.cfg.engine.outputs) {
      const std::string o = ingest_url(given);  // youtube://KEY: its ingest URL
      std::smatch m;
      if (!std::regex_match(o, m, primary))
        return invalid(
            fmt::format("stream '{}': backup: output '{}' is not YouTube's primary ingest: give \"backup_output\"", s.id, shown_output(o)));
      const bool tls = m[1] == "rtmps";
      const std::string_view profile = profile_text(given);  // the backup gets the same encode as its primary
      s.backup_outputs.push_back(fmt::format("{}://b.{}.youtube.com{}/live2?backup=1/{}{}{}", m[1].str(), m[2].str(), tls ? ":443" : "",
                                             m[4].str(), profile.empty() ? "" : "#", profile));
    }
  }
  const std::string key = env_or_empty("LOOPCAST_STREAM_KEY");
  for (auto& o : s.backup_outputs) {
    for (auto pos = o.find("{key}"); !key.empty() && pos != std::string::npos; pos = o.find("{key}")) o.replace(pos, 5, key);
    const std::string_view a = output_address(o);
    const bool rtmp = a.rfind("rtmp://", 0) == 0 || a.rfind("rtmps://", 0) == 0;
    const bool flv = a.find("://") == std::string::npos && a.size() > 4 && a.substr(a.size() - 4) == ".flv";
    if (!rtmp && !flv)
      return invalid(fmt::format("stream '{}': backup_output '{}': expected rtmp://, rtmps:// or a .flv path", s.id, shown_output(o)));
    if (o.find("{key}") != std::string::npos) return invalid(fmt::format("stream '{}': backup_output contains {{key}} but no stream key is set", s.id));
  }
  return Status::ok();
}

bool valid_stream_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_process_key(const std::string& key) {
  static const std::set<std::string> process = {"config", "http_bind", "http_port", "api_token", "webhook_user", "webhook_password",
                                                "control_dir", "log_level", "ca_file", "tls_insecure", "https_cert", "https_key",
                                                "shard", "replicas", "peer_url"};
  return process.count(key) > 0;
}

Result<StreamsDocument> split_streams_document(const std::string& json_text) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json_text, "config"); !st) return st.forward();
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
  if (Status st = parse_json(doc, entry_json, "stream"); !st) return st.forward();
  if (!doc.IsObject()) return invalid("stream: must be a JSON object");
  auto id_it = doc.FindMember("id");
  if (id_it == doc.MemberEnd() || !id_it->value.IsString()) return invalid("stream: 'id' is missing (a string of a-z, 0-9, '-')");
  StreamSpec s{id_it->value.GetString(), entry_json, base};
  if (!valid_stream_id(s.id)) return invalid(fmt::format("stream id '{}': expected 1..64 of a-z, 0-9, '-'", s.id));
  doc.RemoveMember("id");
  if (Status st = take_entry_keys(doc, s); !st) return st.forward();
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    if (key == "streams") return invalid(fmt::format("stream '{}': 'streams' cannot be nested", s.id));
    if (is_process_key(key) && key != "api_token") return invalid(fmt::format("stream '{}': '{}' is process-wide: set it at the top of the config", s.id, key));
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
  // The backup ingest runs the same settings to its own outputs: their profiles and platforms too.
  if (!s.backup_outputs.empty()) {
    check.engine.outputs = s.backup_outputs;
    if (Status st = validate(check); !st) return Error{fmt::format("stream '{}': backup: {}", s.id, st.error()), st.code()};
  }
  return Status::ok();
}

Status validate_streams(const std::vector<StreamSpec>& streams) {
  std::set<std::string> ids;
  std::set<std::pair<std::string, std::string>> outputs;  // (output, stream)
  for (const auto& s : streams) {
    if (!ids.insert(s.id).second) return invalid(fmt::format("stream id '{}' appears twice", s.id));
    // The same ingest twice is the same ingest, whatever profile each names.
    for (const auto* list : {&s.cfg.engine.outputs, &s.backup_outputs}) {
      const char* what = list == &s.backup_outputs ? "backup_output" : "output";
      for (const auto& o : *list)
        for (const auto& [url, other] : outputs)
          if (url == output_address(o))
            return invalid(fmt::format("stream '{}': {} '{}' is already stream '{}''s", s.id, what, redact_url(url, true), other));
      for (const auto& o : *list) outputs.emplace(output_address(o), s.id);
    }
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
