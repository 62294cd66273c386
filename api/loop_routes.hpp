// The loops API: GET /api/v1/loops (the catalog, with "prepared" in splice mode), GET
// /api/v1/loops/{name}/thumb.jpg, and the console's PUT /api/v1/loops/{name} (upload: the front door
// spools the body to a hidden file in the loops directory; it is probed, decoded once, then renamed
// into place, and in splice mode queued for its cache build), GET /api/v1/loops/{name}/prepare (that
// build's progress as Server-Sent Events) and DELETE (refused while a stream shows it or the mapping
// names it).
#pragma once
#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "control/status/status.hpp"

namespace loopcast {

class LoopCatalog;
class LoopPrepare;
class EventStream;

// Largest upload: a 2 GiB loop is about an hour of 4 Mb/s video, far beyond a background loop.
constexpr uint64_t kMaxLoopUpload = uint64_t{2} << 30;
// What the front door spools (api/http/request_framing.hpp): every upload's request line starts so.
constexpr const char* kLoopUploadPrefix = "PUT /api/v1/loops/";

struct LoopRoutesEnv {
  LoopCatalog& catalog;
  std::string loops_dir;
  std::string mapping_file;                                                     // "" = none: no rule can name a loop
  std::function<bool(const httplib::Request&, httplib::Response&)> authorized;  // writes its own 401
  std::function<std::vector<StatusSnapshot>()> streams;                         // every stream's status: what is on air
  std::shared_ptr<LoopPrepare> prepare;  // splice mode: "prepared", the build after an upload, its progress
  EventStream* events = nullptr;         // the SSE hub the progress stream shares caps with
};

void add_loop_routes(httplib::Server& svr, LoopRoutesEnv env);

// A name the API accepts for a new loop: letters, digits, '.', '_', '-' (not first), at most 100
// characters, ending in .mp4, .mkv, .mov or .webm; never a path. The reason when not.
Status check_loop_upload_name(const std::string& name);

}  // namespace loopcast
