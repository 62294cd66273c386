#include "control/cluster/cluster.hpp"

#include <fmt/format.h>

namespace loopcast {

std::string Cluster::peer(int index) const {
  std::string url = peer_url;
  for (auto pos = url.find("{index}"); pos != std::string::npos; pos = url.find("{index}")) url.replace(pos, 7, std::to_string(index));
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status check_peer_url(const std::string& url) {
  if (url.empty()) return Status::ok();
  const bool web = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!web) return Error{fmt::format("--peer-url '{}': expected http://HOST:PORT (or https://) with {{index}} in it", url), Errc::invalid};
  if (url.find("{index}") == std::string::npos)
    return Error{fmt::format("--peer-url '{}': has no {{index}}: every replica would be the same address", url), Errc::invalid};
  const auto path = url.find('/', url.find("://") + 3);
  if (path != std::string::npos && url.find_first_not_of('/', path) != std::string::npos)
    return Error{fmt::format("--peer-url '{}': give the scheme, host and port only (no path)", url), Errc::invalid};
  return Status::ok();
}

}  // namespace loopcast
