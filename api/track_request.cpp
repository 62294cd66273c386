#include "api/track_request.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "base/json_text.hpp"

namespace loopcast {

Status track_request(Controller& ctl, const std::string& body) {
  rapidjson::Document doc;
  if (!parse_json(doc, body) || !doc.IsObject()) return Error{"body must be a JSON object", Errc::invalid};
  TrackInfo t;
  t.source = TrackSource::api;
  std::string loop;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string k = it->name.GetString();
    if (!it->value.IsString()) return Error{fmt::format("'{}' must be a string", k), Errc::invalid};
    const std::string v = it->value.GetString();
    if (k == "loop") loop = v;
    else if (k == "artist") t.artist = v;
    else if (k == "title") t.title = v;
    else if (k == "text") t.text = v;
    else if (k == "song_id") t.song_id = v;
    else return Error{fmt::format("unknown field '{}' (loop, artist, title, text, song_id)", k), Errc::invalid};
  }
  if (!loop.empty()) return taken(ctl.switch_loop(loop));
  if (t.artist.empty() && t.title.empty() && t.text.empty() && t.song_id.empty())
    return Error{"give \"loop\", or \"artist\"/\"title\", \"text\" or \"song_id\"", Errc::invalid};
  if (t.text.empty() && !t.artist.empty()) t.text = t.artist + " - " + t.title;
  return taken(ctl.track_changed(t));
}

}  // namespace loopcast
