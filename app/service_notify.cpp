#include "app/service_notify.hpp"

#include <string>

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include "base/log.hpp"

namespace loopcast {

namespace {
void notify(const std::string& state) {
  // sd_notify returns 0 (and sends nothing) when NOTIFY_SOCKET is unset; a failed send is only
  // worth a warning: the stream itself is fine, systemd will time the start out and say so.
  if (int r = sd_notify(0, state.c_str()); r < 0) log::warn("systemd", "sd_notify: error {}", -r);
}
}  // namespace

void notify_ready(std::size_t streams) { notify(fmt::format("READY=1\nSTATUS=streaming: {} stream(s)", streams)); }

void notify_stopping() { notify("STOPPING=1\nSTATUS=stopping"); }

}  // namespace loopcast
