#include "api/hls_files.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "api/http_reply.hpp"
#include "control/channels/streams.hpp"
#include "engine/output/output_kind.hpp"

namespace loopcast {
namespace {
// Any two path segments: what they may name is decided below, by the same rules as the writer's.
constexpr const char* kRoute = R"(/live/([^/]+)/([^/]+))";
const std::regex kStreamId("[a-z0-9-]{1,64}");

void serve(const HlsDirOf& dir_of, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1], name = req.matches[2];
  res.set_header("Access-Control-Allow-Origin", "*");  // a player on another site sees the 404s too
  if (!std::regex_match(id, kStreamId) || !is_hls_file_name(name)) return reply_error(res, 404, "not found");
  const std::string dir = dir_of(id);
  if (dir.empty()) return reply_error(res, 404, fmt::format("stream '{}' has no HLS output", id));
  std::ifstream in(dir + "/" + name, std::ios::binary);
  // A segment that has left the live window (deleted), or a playlist not written yet (the first
  // segment is still being cut): the player asks again.
  if (!in) return reply_error(res, 404, fmt::format("'{}' is not there (yet)", name));
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool playlist = name == kHlsPlaylist;
  // The playlist changes every segment; a segment's name is never reused (numbers continue across
  // sessions), so a cache may keep it for as long as it stays in any playlist.
  res.set_header("Cache-Control", playlist ? "no-cache" : "max-age=60");
  res.set_content(std::move(body), playlist ? "application/vnd.apple.mpegurl" : "video/mp2t");
}
}  // namespace

void add_hls_routes(httplib::Server& svr, HlsDirOf dir_of) {
  svr.Get(kRoute, [dir_of = std::move(dir_of)](const httplib::Request& req, httplib::Response& res) { serve(dir_of, req, res); });
}

std::string hls_dir_for(const Streams& streams, const std::string& id) {
  for (const auto& spec : streams.specs()) {
    if (spec.id != id) continue;
    for (const auto& o : spec.cfg.engine.outputs)
      if (std::string dir = hls_dir_of(o); !dir.empty()) return dir;
    return "";
  }
  return "";
}

}  // namespace loopcast
