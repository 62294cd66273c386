#include "base/version.hpp"

// Defined for this file only (CMakeLists.txt), so a version bump rebuilds one file.
#ifndef LOOPCAST_VERSION
#error "LOOPCAST_VERSION comes from CMake's project(VERSION)"
#endif

namespace loopcast {

const char* version() { return LOOPCAST_VERSION; }

const std::string& user_agent() {
  static const std::string ua = std::string("loopcast/") + LOOPCAST_VERSION;
  return ua;
}

}  // namespace loopcast
