#include "api/loop_routes.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "api/event_stream.hpp"
#include "api/http/route_runner.hpp"
#include "api/http_reply.hpp"
#include "api/loop_prepare.hpp"
#include "base/atomic_file.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"
#include "control/mapping/loop_catalog.hpp"
#include "control/mapping/track_map.hpp"
#include "engine/input/loop_probe.hpp"

namespace loopcast {
namespace fs = std::filesystem;
namespace {
constexpr const char* kName = R"(/api/v1/loops/(.+))";  // any name reaches check_loop_upload_name: a bad one is a 400, not a 404
constexpr size_t kMaxMappingBytes = 1 << 20;

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return a == b || (!a.empty() && !b.empty() && fs::equivalent(a, b, ec));
}

void write_listing(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<LoopEntry>& loops,
                   const std::vector<StatusSnapshot>& streams, LoopPrepare* prepare) {
  w.StartObject();
  w.Key("loops");
  w.StartArray();
  for (const auto& l : loops) {
    w.StartObject();
    w.Key("name"), w.String(l.name.c_str());
    w.Key("duration"), w.Double(l.duration);
    w.Key("size"), w.Uint64(l.size);
    bool on_air = false;
    for (const auto& s : streams) on_air = on_air || same_file(s.loop, l.path);
    w.Key("on_air"), w.Bool(on_air);
    // Only where the stream splices: a cache entry for this file and the stream's settings.
    if (auto ready = prepare && l.error.empty() ? prepare->prepared(l.path) : std::nullopt) w.Key("prepared"), w.Bool(*ready);
    w.Key("thumbnail"), w.String(("/api/v1/loops/" + httplib::encode_uri_component(l.name) + "/thumb.jpg").c_str());
    if (!l.error.empty()) w.Key("error"), w.String(l.error.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.Key("max_upload_bytes"), w.Uint64(kMaxLoopUpload);
  w.EndObject();
}

// Why `path` must stay: a stream shows it or is about to, or the mapping names it (its default or
// a rule, by index as the rules panel numbers them). "" when nothing holds it.
std::string holder_of(const std::string& path, const LoopRoutesEnv& env) {
  for (const auto& s : env.streams()) {
    const std::string who = s.stream.empty() ? "the stream" : fmt::format("stream '{}'", s.stream);
    if (same_file(s.loop, path)) return fmt::format("it is on air on {}", who);
    if (same_file(s.pending_loop, path)) return fmt::format("{} is about to switch to it", who);
  }
  if (env.mapping_file.empty()) return "";
  auto text = read_file(env.mapping_file, kMaxMappingBytes);
  rapidjson::Document doc;
  if (!text || !parse_json(doc, *text) || !doc.IsObject()) return "";
  auto names_it = [&](const rapidjson::Value& v) {
    if (!v.IsString()) return false;
    auto resolved = resolve_loop_name(env.loops_dir, v.GetString());
    return resolved && same_file(*resolved, path);
  };
  if (doc.HasMember("default") && names_it(doc["default"])) return "the mapping's \"default\" names it";
  if (doc.HasMember("rules") && doc["rules"].IsArray()) {
    const auto& rules = doc["rules"];
    for (rapidjson::SizeType i = 0; i < rules.Size(); ++i)
      if (rules[i].IsObject() && rules[i].HasMember("loop") && names_it(rules[i]["loop"]))
        return fmt::format("mapping rule {} names it", i);
  }
  return "";
}

// The upload, probed and decoded once as the pipeline would: a file that is not a playable video
// is refused with the decoder's reason (the temporary file's name replaced by the loop's).
Result<LoopFacts> check_playable(const std::string& temp, const std::string& name) {
  auto named = [&](std::string why) {
    for (size_t at = why.find(temp); at != std::string::npos; at = why.find(temp, at + name.size())) why.replace(at, temp.size(), name);
    return Error{std::move(why), Errc::invalid};
  };
  auto facts = probe_loop(temp);
  if (!facts) return named(facts.error());
  if (facts->width <= 0 || facts->height <= 0) return named(fmt::format("probe loop '{}': the video has no picture size", temp));
  auto picture = loop_picture(temp, 0, VideoFormat{64, 36, AV_PIX_FMT_YUV420P});
  if (!picture) return named(picture.error());
  return facts;
}

// fsync before the rename: after a crash the name never points at a half-written file.
Status settle(const std::string& temp) {
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("upload: {}", std::strerror(errno)), Errc::internal};
  const bool ok = ::fchmod(fd, 0644) == 0 && ::fsync(fd) == 0;  // mkstemp made it 0600: others read loops too
  const int err = errno;
  ::close(fd);
  if (!ok) return Error{fmt::format("upload: {}", std::strerror(err)), Errc::internal};
  return Status::ok();
}

void put_route(httplib::Server& svr, const LoopRoutesEnv& env) {
  svr.Put(kName, [env](const httplib::Request& req, httplib::Response& res) {
    if (!env.authorized(req, res)) return;
    const std::string name = req.matches[1];
    if (Status st = check_loop_upload_name(name); !st) return reply_error(res, 400, st.error());
    SpooledBody* body = RouteRunner::spooled_body();
    if (!body || body->bytes == 0) return reply_error(res, 422, "upload: the body is empty (send the video file as the request body)");
    auto facts = check_playable(body->path, name);
    if (!facts) return reply_error(res, 422, facts.error());
    if (Status st = settle(body->path); !st) return reply_error(res, 500, st.error());
    const std::string path = (fs::path(env.loops_dir) / name).string();
    std::error_code ec;
    const bool replaced = fs::exists(path, ec);
    bool on_air = false;
    for (const auto& s : env.streams()) on_air = on_air || same_file(s.loop, path);
    // A stream showing the old file keeps reading it (its open file, or its cached copy in splice
    // mode) until it next switches to this name; the rename never leaves a half-written file.
    if (::rename(body->path.c_str(), path.c_str()) != 0)
      return reply_error(res, 500, fmt::format("upload: cannot move it into place: {}", std::strerror(errno)));
    body->kept = true;
    const bool preparing = env.prepare && env.prepare->prepare(path);
    if (preparing) (void)env.prepare->prepared(path);  // its content hash, read here once: not later on the SSE ticker
    log::info("http", "loop '{}' uploaded ({} bytes, {:.1f} s){}{}{}", name, body->bytes, facts->duration,
              replaced ? ", replacing the old file" : "", on_air ? " (on air: the new one shows from the next switch to it)" : "",
              preparing ? "; preparing it for splice mode" : "");
    res.status = replaced ? 200 : 201;
    const std::string progress = "/api/v1/loops/" + httplib::encode_uri_component(name) + "/prepare";
    res.set_content(fmt::format("{{\"ok\":true,\"name\":{},\"size\":{},\"duration\":{:.3f},\"width\":{},\"height\":{},\"created\":{},"
                                "\"on_air\":{},\"preparing\":{}{}}}",
                                json_quote(name), body->bytes, facts->duration, facts->width, facts->height, !replaced, on_air, preparing,
                                preparing ? ",\"progress\":" + json_quote(progress) : ""),
                    "application/json");
  });
}

// The build's progress as SSE "prepare" documents (LoopPrepare::progress_json), one a second,
// ending after the first settled one (prepared, failed, idle, off).
void prepare_route(httplib::Server& svr, const LoopRoutesEnv& env) {
  svr.Get(R"(/api/v1/loops/([^/]+)/prepare)", [env](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    if (Status st = check_loop_upload_name(name); !st) return reply_error(res, 400, st.error());
    const std::string path = (fs::path(env.loops_dir) / name).string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return reply_error(res, 404, fmt::format("no loop named '{}'", name));
    if (!env.prepare || !env.events) return reply_error(res, 404, "no prepare progress here");
    auto ended = std::make_shared<bool>(false);  // the ticker's alone: it calls this for one listener at a time
    env.events->handle(
        req, res,
        [prepare = env.prepare, name, path, ended] {
          if (*ended) return std::string();
          bool settled = false;
          std::string doc = prepare->progress_json(name, path, &settled);
          *ended = settled;
          return doc;
        },
        nullptr, "prepare");
  });
}

void delete_route(httplib::Server& svr, const LoopRoutesEnv& env) {
  svr.Delete(kName, [env](const httplib::Request& req, httplib::Response& res) {
    if (!env.authorized(req, res)) return;
    const std::string name = req.matches[1];
    if (Status st = check_loop_upload_name(name); !st) return reply_error(res, 400, st.error());
    const std::string path = (fs::path(env.loops_dir) / name).string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return reply_error(res, 404, fmt::format("no loop named '{}'", name));
    if (std::string why = holder_of(path, env); !why.empty())
      return reply_error(res, 409, fmt::format("loop '{}' is in use: {}", name, why));
    if (!fs::remove(path, ec)) return reply_error(res, 500, fmt::format("cannot delete loop '{}': {}", name, ec.message()));
    log::info("http", "loop '{}' deleted", name);
    res.set_content(fmt::format("{{\"ok\":true,\"deleted\":{}}}", json_quote(name)), "application/json");
  });
}
}  // namespace

Status check_loop_upload_name(const std::string& name) {
  auto bad = [&](const char* why) { return Error{fmt::format("loop name '{}': {}", name, why), Errc::invalid}; };
  if (name.empty() || name.size() > 100) return bad("1 to 100 characters");
  if (name.front() == '.' || name.front() == '-') return bad("must start with a letter, a digit or '_'");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return bad("only letters, digits, '.', '_' and '-'");
  if (name.find("..") != std::string::npos) return bad("must not hold '..'");
  if (!is_loop_file_name(name)) return bad("must end in .mp4, .mkv, .mov or .webm");
  return Status::ok();
}

void add_loop_routes(httplib::Server& svr, LoopRoutesEnv env) {
  svr.Get("/api/v1/loops", [env](const httplib::Request&, httplib::Response& res) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    write_listing(w, env.catalog.list(), env.streams(), env.prepare.get());
    res.set_content(sb.GetString(), "application/json");
  });
  svr.Get(R"(/api/v1/loops/([^/]+)/thumb\.jpg)", [env](const httplib::Request& req, httplib::Response& res) {
    auto jpeg = env.catalog.thumbnail(req.matches[1].str());
    if (!jpeg) return reply_error(res, http_code(jpeg.code()), jpeg.error());
    res.set_header("Cache-Control", "max-age=60");
    res.set_content(**jpeg, "image/jpeg");
  });
  prepare_route(svr, env);
  put_route(svr, env);
  delete_route(svr, env);
}

}  // namespace loopcast
