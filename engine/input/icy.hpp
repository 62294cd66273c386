// In-band Icecast/SHOUTcast metadata: "StreamTitle='Artist - Title';StreamUrl='';"
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace loopcast {

// The StreamTitle value of an ICY metadata packet; nullopt when the packet has none.
inline std::optional<std::string> icy_stream_title(std::string_view packet) {
  constexpr std::string_view key = "StreamTitle='";
  auto start = packet.find(key);
  if (start == std::string_view::npos) return std::nullopt;
  start += key.size();
  // Titles may contain apostrophes: the value ends at the "';" that closes the field.
  auto end = packet.find("';", start);
  if (end == std::string_view::npos) end = packet.rfind('\'');
  if (end == std::string_view::npos || end < start) end = packet.size();
  return std::string(packet.substr(start, end - start));
}

}  // namespace loopcast
