// The mapping API of the console: GET /api/v1/mapping (the rules file as it is), PUT (checked by
// the same parser the stream loads it with, written atomically, then reloaded; a refused mapping
// changes nothing) and POST /api/v1/mapping/try (which loop a song would get, without switching).
#pragma once
#include <httplib.h>

#include <functional>
#include <string>

#include "base/result.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

struct MappingRoutesEnv {
  Controller& ctl;  // reloads the mapping once it is written
  std::string loops_dir;
  std::string mapping_file;                                                     // "" = no mapping configured: GET/PUT answer 409
  std::function<bool(const httplib::Request&, httplib::Response&)> authorized;  // writes its own 401
};

void add_mapping_routes(httplib::Server& svr, MappingRoutesEnv env);

// A mapping document checked as the stream would load it, plus what the console must not save:
// a rule naming a loop that is not in the loops directory. The error says which rule and key.
Status check_mapping(const std::string& json, const std::string& loops_dir);

}  // namespace loopcast
