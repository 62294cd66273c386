// The path of a file in tests/fixtures/ (committed media, payloads, mappings).
#pragma once
#include <string>

namespace loopcast::test {

inline std::string fixture(const char* name) { return std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/" + name; }

}  // namespace loopcast::test
