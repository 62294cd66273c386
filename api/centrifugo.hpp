// AzuraCast's live now-playing feed on the wire: Centrifugo's uni-directional stream carried as
// server-sent events. Pure parsing (bytes in, messages out) so every frame shape has a unit test.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/azuracast.hpp"
#include "base/result.hpp"

namespace loopcast {

// Splits a text/event-stream into events: "data:" lines joined with '\n', dispatched at a blank
// line; comments (":") and other fields (event, id, retry) are skipped. Lines may end in \n,
// \r\n or \r. More than 1 MiB without a complete event is refused (a stream that is not SSE).
class SseSplitter {
 public:
  Status feed(std::string_view bytes, std::vector<std::string>& events);

 private:
  void line(std::string_view text, std::vector<std::string>& events);
  std::string pending_;  // bytes after the last line end
  std::string data_;     // data of the event being built
  bool has_data_ = false;
  bool after_cr_ = false;  // the previous chunk ended in '\r': a leading '\n' belongs to it
};

// One Centrifugo message for channel "station:SHORTCODE".
struct FeedMessage {
  enum class Kind { ping, connect, publication, other };
  Kind kind = Kind::other;
  std::optional<NowPlaying> np;  // the newest now-playing object in it, if any
  double ping_interval = 0;      // connect: seconds between the server's pings (0 = not said)
};

// `{}` is a ping; {"connect":{..., "subs":{CHANNEL:{"publications":[{"data":{"np":...}}]}}}} the
// first message; {"channel":CHANNEL,"pub":{"data":{"np":...}}} an update. A disconnect or error
// message, invalid JSON or an np that parse_nowplaying refuses is an error naming what was wrong.
Result<FeedMessage> parse_feed_message(std::string_view data, std::string_view channel);

}  // namespace loopcast
