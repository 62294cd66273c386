#include "base/libav_log.hpp"

extern "C" {
#include <libavutil/log.h>
}
#include <cstdio>
#include <string>
#include <utility>

#include "base/av.hpp"
#include "base/log.hpp"
#include "base/redact.hpp"

namespace loopcast {
namespace {
thread_local std::string t_first_error;

void callback(void* avcl, int level, const char* fmt, va_list vl) {
  if (level > AV_LOG_WARNING) return;
  const bool shown = level <= av_log_get_level();  // tests silence libav but still want the reason
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
  std::string msg(line);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  if (msg.empty()) return;
  if (level <= AV_LOG_ERROR && t_first_error.empty()) {
    const size_t ctx = msg.rfind("] ", msg.find(' ') == std::string::npos ? 0 : msg.size());
    t_first_error = redact_text(msg.front() == '[' && ctx != std::string::npos ? msg.substr(ctx + 2) : msg);  // without "[tls @ 0x..] "
  }
  if (shown) log::write(level <= AV_LOG_ERROR ? log::Level::error : log::Level::warn, "libav", msg);
}
}  // namespace

void install_libav_log() { av_log_set_callback(callback); }

std::string take_libav_error() { return std::exchange(t_first_error, {}); }

std::string describe_av_failure(int err) {
  const std::string why = take_libav_error();
  if (why.find("certificate") != std::string::npos)
    return fmt::format("{} (TLS: {}; the peer is not trusted for this host name, nothing was sent; see --ca-file)", av_error_string(err), why);
  return why.empty() ? av_error_string(err) : fmt::format("{} ({})", av_error_string(err), why);
}

}  // namespace loopcast
