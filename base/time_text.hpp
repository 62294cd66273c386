// Wall-clock timestamps as they appear in status and acknowledgements: ISO-8601 UTC.
#pragma once
#include <ctime>
#include <string>

namespace loopcast {

inline std::string iso_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace loopcast
