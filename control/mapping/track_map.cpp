#include "control/mapping/track_map.hpp"

#include "base/json_text.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace loopcast {
namespace fs = std::filesystem;

namespace {
std::string norm(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }
}  // namespace

std::string TrackMap::path_of(const std::string& name) const {
  if (name.empty() || name.front() == '/' || name == kArtScene) return name;
  return (fs::path(loops_dir_) / name).string();
}

TrackMap TrackMap::with_default(std::string default_loop_path, std::string loops_dir) {
  TrackMap m;
  m.default_ = std::move(default_loop_path);
  m.loops_dir_ = std::move(loops_dir);
  return m;
}

Result<TrackMap::Rule> TrackMap::parse_rule(const rapidjson::Value& r, size_t i, const TrackMap& m) {
  if (!r.IsObject()) return invalid(fmt::format("mapping: rule {} must be an object", i));
  Rule rule;
  int keys = 0;
  for (auto it = r.MemberBegin(); it != r.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    if (is_time_key(key)) continue;  // read below, as one window
    if (!it->value.IsString()) return invalid(fmt::format("mapping: rule {}: '{}' must be a string", i, key));
    const std::string v = it->value.GetString();
    if (norm(v).empty()) return invalid(fmt::format("mapping: rule {}: '{}' is empty", i, key));
    if (key == "loop") rule.loop = m.path_of(v);
    else if (key == "song_id") rule.song_id = v, ++keys;
    else if (key == "artist") rule.artist = norm(v), ++keys;
    else if (key == "title") rule.title = norm(v), ++keys;
    else if (key == "text") rule.text = norm(v), ++keys;
    else if (key == "playlist") rule.playlist = norm(v), ++keys;
    else return invalid(fmt::format("mapping: rule {}: unknown key '{}' (expected song_id, artist, title, text, playlist, days, from, to, dates, loop)", i, key));
  }
  auto window = parse_time_keys(r);
  if (!window) return invalid(fmt::format("mapping: rule {}: {}", i, window.error()));
  rule.window = *window;
  if (rule.loop.empty()) return invalid(fmt::format("mapping: rule {} has no \"loop\"", i));
  if (!keys && !rule.window)
    return invalid(fmt::format("mapping: rule {} matches nothing (give song_id, artist, title, text, playlist or days/from/to/dates)", i));
  return rule;
}

Result<TrackMap> TrackMap::parse(const std::string& json, const std::string& loops_dir, const TimeZone& zone) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json, "mapping"); !st) return st.forward();
  if (!doc.IsObject()) return invalid("mapping: the top level must be an object");
  TrackMap m;
  m.loops_dir_ = loops_dir;
  m.zone_ = zone;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    if (key == "default" || key == "custom_field") {
      if (!it->value.IsString()) return invalid(fmt::format("mapping: '{}' must be a string", key));
      (key == "default" ? m.default_ : m.custom_field_) = it->value.GetString();
    } else if (key == "rules") {
      if (!it->value.IsArray()) return invalid("mapping: 'rules' must be an array");
    } else {
      return invalid(fmt::format("mapping: unknown key '{}'", key));
    }
  }
  if (!m.default_.empty()) m.default_ = m.path_of(m.default_);
  if (doc.HasMember("rules")) {
    size_t i = 0;
    for (const auto& r : doc["rules"].GetArray()) {
      auto rule = parse_rule(r, i++, m);
      if (!rule) return rule.forward();
      m.rules_.push_back(std::move(*rule));
    }
  }
  return m;
}

Result<TrackMap> TrackMap::load(const std::string& path, const std::string& loops_dir, const TimeZone& zone) {
  std::ifstream in(path);
  if (!in) return Error{fmt::format("mapping file '{}': cannot open", path), Errc::not_found};
  std::stringstream ss;
  ss << in.rdbuf();
  auto m = parse(ss.str(), loops_dir, zone);
  if (!m) return Error{fmt::format("{} ({})", m.error(), path), m.code()};
  return m;
}

std::string TrackMap::resolve(const TrackInfo& t) const {
  return resolve(t, std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::optional<SysSeconds> TrackMap::next_edge(SysSeconds t, std::chrono::days horizon) const {
  std::optional<SysSeconds> best;
  for (const auto& r : rules_) {
    if (!r.window) continue;
    auto e = loopcast::next_edge({*r.window}, zone_, t, horizon);
    if (e && (!best || *e < *best)) best = e;
  }
  return best;
}

std::string TrackMap::resolve(const TrackInfo& t, SysSeconds at) const {
  if (auto it = t.custom_fields.find(custom_field_); it != t.custom_fields.end() && !it->second.empty()) {
    if (auto named = resolve_loop_name(loops_dir_.empty() ? "." : loops_dir_, it->second)) return *named;
  }
  return rule_loop(t, at).value_or(default_);
}

std::optional<std::string> TrackMap::rule_loop(const TrackInfo& t, SysSeconds at) const {
  const std::string artist = norm(t.artist), title = norm(t.title), playlist = norm(t.playlist);
  const std::string text = norm(station_text(t));
  for (const auto& r : rules_) {
    if (!r.song_id.empty() && r.song_id != t.song_id) continue;
    if (!r.artist.empty() && r.artist != artist) continue;
    if (!r.title.empty() && r.title != title) continue;
    if (!r.text.empty() && r.text != text) continue;
    if (!r.playlist.empty() && r.playlist != playlist) continue;
    if (r.window && !inside({*r.window}, zone_, at)) continue;
    return r.loop;
  }
  return std::nullopt;
}

std::vector<std::string> TrackMap::loops() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (!p.empty() && p != kArtScene && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);  // files only
  };
  add(default_);
  for (const auto& r : rules_) add(r.loop);
  return out;
}

std::vector<std::string> TrackMap::missing_loops() const {
  std::vector<std::string> out = loops();
  std::error_code ec;
  out.erase(std::remove_if(out.begin(), out.end(), [&](const std::string& p) { return fs::exists(p, ec); }), out.end());
  return out;
}

Result<std::string> resolve_loop_name(const std::string& loops_dir, const std::string& name) {
  if (name.empty()) return invalid("loop name is empty");
  if (name.find('/') != std::string::npos || name.find("..") != std::string::npos || name.find('\\') != std::string::npos)
    return invalid(fmt::format("loop name '{}' must be a plain file name", name));
  std::error_code ec;
  for (const char* ext : {"", ".mp4", ".mkv", ".mov", ".webm"}) {
    fs::path p = fs::path(loops_dir) / (name + ext);
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return Error{fmt::format("no loop named '{}' in {}", name, loops_dir), Errc::not_found};
}

}  // namespace loopcast
