#include "app/libav_log.hpp"

extern "C" {
#include <libavutil/log.h>
}
#include <cstdio>
#include <string>

#include "base/log.hpp"

namespace loopcast {
namespace {
void callback(void* avcl, int level, const char* fmt, va_list vl) {
  if (level > AV_LOG_WARNING) return;
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
  std::string msg(line);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  if (msg.empty()) return;
  log::write(level <= AV_LOG_ERROR ? log::Level::error : log::Level::warn, "libav", msg);
}
}  // namespace

void install_libav_log() { av_log_set_callback(callback); }

}  // namespace loopcast
