// loopcast's version: one fact, from CMake's project(VERSION), for the CLI, user agents, metrics.
#pragma once
#include <string>

namespace loopcast {

const char* version();           // "0.1.0"
const std::string& user_agent();  // "loopcast/0.1.0": every HTTP request loopcast makes

}  // namespace loopcast
