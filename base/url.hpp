// What kind of place a path or URL names: one answer for outputs, station feeds and config.
#pragma once
#include <cctype>
#include <string>
#include <string_view>

namespace loopcast {

// A URL libavformat reaches over the network (rtmp://, https://, icecast mounts...): it gets
// timeouts, reconnects, TLS policy and redaction. A plain path or a file: URL is local.
inline bool is_network_url(std::string_view url) {
  return url.find("://") != std::string_view::npos && url.substr(0, 5) != "file:";
}

// What stands between "scheme://" and the path, query or fragment, split at its last '@'. Both
// parts are empty for a path; `userinfo` is empty when there is no '@'.
struct UrlAuthority {
  std::string_view userinfo, host_port;
};
inline UrlAuthority url_authority(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) return {rest.substr(0, at), rest.substr(at + 1)};
  return {{}, rest};
}

// The host a URL names, lower case ("" for a path): no user info, port, path or query.
inline std::string url_host(std::string_view url) {
  std::string_view rest = url_authority(url).host_port;
  if (!rest.empty() && rest.front() == '[') rest = rest.substr(0, rest.find(']') + 1);  // [v6]:port
  else rest = rest.substr(0, rest.find(':'));
  std::string host(rest);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace loopcast
