#include "api/mapping_routes.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <regex>

#include "api/http_reply.hpp"
#include "base/atomic_file.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"
#include "control/mapping/track_map.hpp"

namespace loopcast {
namespace fs = std::filesystem;
namespace {
constexpr size_t kMaxMappingBytes = 1 << 20;
constexpr const char* kEmptyMapping = "{\"rules\":[]}";

// {"error", and where the parser's message names them "rule" (index) and "field" (key)}: the
// console shows the error beside that rule.
void reply_mapping_error(httplib::Response& res, int code, const std::string& msg) {
  std::string extra;
  std::smatch m;
  if (std::regex_search(msg, m, std::regex(R"(rule (\d+))"))) extra += ",\"rule\":" + m[1].str();
  if (std::regex_search(msg, m, std::regex(R"(key '([a-z_]+)'|'([a-z_]+)'(:| must| is))")))
    extra += ",\"field\":" + json_quote(m[1].matched ? m[1].str() : m[2].str());
  else if (msg.find("no \"loop\"") != std::string::npos || msg.find("not in the loops directory") != std::string::npos)
    extra += ",\"field\":\"loop\"";
  // A time window's errors that name no key (control/time/time_window.cpp): the field they concern.
  else if (msg.find("unknown day") != std::string::npos) extra += ",\"field\":\"days\"";
  else if (msg.find("date") != std::string::npos) extra += ",\"field\":\"dates\"";
  else if (msg.find("empty window") != std::string::npos) extra += ",\"field\":\"to\"";
  res.status = code;
  res.set_content("{\"error\":" + json_quote(msg) + extra + "}", "application/json");
}

bool configured(const MappingRoutesEnv& env, httplib::Response& res) {
  if (!env.mapping_file.empty()) return true;
  reply_error(res, 409, "no mapping is configured: start loopcast with --mapping FILE to edit the rules here");
  return false;
}

// The first rule (or the default) that names `missing`, for the error message.
std::string where_named(const rapidjson::Document& doc, const std::string& missing, const std::string& loops_dir) {
  auto names = [&](const rapidjson::Value& v) {
    return v.IsString() &&
           (fs::path(v.GetString()).is_absolute() ? v.GetString() : (fs::path(loops_dir) / v.GetString()).string()) == missing;
  };
  if (doc.HasMember("rules") && doc["rules"].IsArray())
    for (rapidjson::SizeType i = 0; i < doc["rules"].Size(); ++i)
      if (doc["rules"][i].IsObject() && doc["rules"][i].HasMember("loop") && names(doc["rules"][i]["loop"]))
        return fmt::format("rule {}", i);
  return "the default";
}

void get_route(httplib::Server& svr, const MappingRoutesEnv& env) {
  svr.Get("/api/v1/mapping", [env](const httplib::Request&, httplib::Response& res) {
    if (!configured(env, res)) return;
    auto text = read_file(env.mapping_file, kMaxMappingBytes);
    if (!text && text.code() == Errc::not_found) return res.set_content(kEmptyMapping, "application/json");
    if (!text) return reply_error(res, 500, fmt::format("mapping file: {}", text.error()));
    res.set_content(*text, "application/json");
  });
}

void put_route(httplib::Server& svr, const MappingRoutesEnv& env) {
  svr.Put("/api/v1/mapping", [env](const httplib::Request& req, httplib::Response& res) {
    if (!env.authorized(req, res)) return;
    if (!configured(env, res)) return;
    if (Status st = check_mapping(req.body, env.loops_dir); !st) return reply_mapping_error(res, 422, st.error());
    auto old = read_file(env.mapping_file, kMaxMappingBytes);
    if (Status st = write_file_atomic(env.mapping_file, req.body); !st) return reply_error(res, 500, st.error());
    if (Status st = env.ctl.reload_mapping(); !st) {
      // Checked above with the same parser, so this is the disk or a race: the old file goes back.
      const Status back = old ? write_file_atomic(env.mapping_file, *old) : Status::ok();
      if (back) (void)env.ctl.reload_mapping();
      return reply_mapping_error(res, 422, st.error());
    }
    log::info("http", "mapping saved to {} and reloaded", env.mapping_file);
    res.set_content("{\"ok\":true}", "application/json");
  });
}

// POST /api/v1/mapping/try {"artist","title","text","song_id","playlist"}: the loop this song gets
// now, and whether a rule or the default gave it. The mapping on disk decides, as on air.
void try_route(httplib::Server& svr, const MappingRoutesEnv& env) {
  svr.Post("/api/v1/mapping/try", [env](const httplib::Request& req, httplib::Response& res) {
    if (!configured(env, res)) return;
    rapidjson::Document doc;
    if (!parse_json(doc, req.body) || !doc.IsObject()) return reply_error(res, 400, "body must be a JSON object");
    TrackInfo t;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      const std::string k = it->name.GetString();
      if (!it->value.IsString()) return reply_error(res, 400, fmt::format("'{}' must be a string", k));
      std::string* field = k == "artist"     ? &t.artist
                           : k == "title"    ? &t.title
                           : k == "text"     ? &t.text
                           : k == "song_id"  ? &t.song_id
                           : k == "playlist" ? &t.playlist
                                             : nullptr;
      if (!field) return reply_error(res, 400, fmt::format("unknown field '{}' (artist, title, text, song_id, playlist)", k));
      *field = it->value.GetString();
    }
    auto text = read_file(env.mapping_file, kMaxMappingBytes);
    auto map = TrackMap::parse(text ? *text : kEmptyMapping, env.loops_dir);
    if (!map) return reply_mapping_error(res, 422, map.error());
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto by_rule = map->rule_loop(t, now);
    const std::string loop = by_rule ? *by_rule : map->default_loop();
    res.set_content(fmt::format("{{\"loop\":{},\"by\":{}}}", json_quote(fs::path(loop).filename().string()),
                                json_quote(by_rule        ? "rule"
                                           : loop.empty() ? "none"
                                                          : "default")),
                    "application/json");
  });
}
}  // namespace

Status check_mapping(const std::string& json, const std::string& loops_dir) {
  auto map = TrackMap::parse(json, loops_dir);
  if (!map) return map.forward();
  const auto missing = map->missing_loops();
  if (missing.empty()) return Status::ok();
  rapidjson::Document doc;
  (void)parse_json(doc, json);  // parsed above: it is JSON
  return Error{fmt::format("mapping: {}: loop '{}' is not in the loops directory", where_named(doc, missing.front(), loops_dir),
                           fs::path(missing.front()).filename().string()),
               Errc::invalid};
}

void add_mapping_routes(httplib::Server& svr, MappingRoutesEnv env) {
  get_route(svr, env);
  put_route(svr, env);
  try_route(svr, env);
}

}  // namespace loopcast
