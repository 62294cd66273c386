// What kind of place a path or URL names: one answer for outputs, station feeds and config.
#pragma once
#include <string_view>

namespace loopcast {

// A URL libavformat reaches over the network (rtmp://, https://, icecast mounts...): it gets
// timeouts, reconnects, TLS policy and redaction. A plain path or a file: URL is local.
inline bool is_network_url(std::string_view url) {
  return url.find("://") != std::string_view::npos && url.substr(0, 5) != "file:";
}

}  // namespace loopcast
