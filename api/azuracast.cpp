#include "api/azuracast.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include "base/json_text.hpp"

namespace loopcast {
namespace {
using Value = rapidjson::Value;

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }

// Optional string member: absent or null → empty; anything else but a string → error.
Status get_string(const Value& obj, const char* key, const std::string& path, std::string& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return Status::ok();
  if (!it->value.IsString()) return invalid(fmt::format("{}.{} must be a string", path, key));
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return Status::ok();
}

Status get_int(const Value& obj, const char* key, const std::string& path, int64_t& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return Status::ok();
  // Whole numbers only: a huge or fractional double must not be squeezed into an integer (the
  // fuzzer found that conversion to be undefined behaviour).
  if (!it->value.IsInt64()) return invalid(fmt::format("{}.{} must be an integer", path, key));
  out = it->value.GetInt64();
  return Status::ok();
}

// Song fields reach the picture, every status document, each SSE listener and the log: bounded, and
// without control characters (a newline in a title would forge a log line; a 1 MiB title would be
// shaped on every frame and sent to every dashboard every second).
constexpr size_t kMaxField = 1024, kMaxUrl = 4096, kMaxCustomFields = 32;
void clean_field(std::string& s, size_t max) {
  if (s.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // never inside a UTF-8 sequence
    s.resize(cut);
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
}

std::string scalar_text(const Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) return fmt::format("{}", v.GetDouble());
  return {};
}
// playing_next.song as the title card's "Up next" shows it. Optional and never a reason to refuse
// the payload: a missing or odd playing_next only leaves the line out.
std::string next_song(const Value& doc) {
  auto next = doc.FindMember("playing_next");
  if (next == doc.MemberEnd() || !next->value.IsObject()) return {};
  auto song = next->value.FindMember("song");
  if (song == next->value.MemberEnd() || !song->value.IsObject()) return {};
  auto str = [&](const char* key) {
    auto m = song->value.FindMember(key);
    return m != song->value.MemberEnd() && m->value.IsString() ? std::string(m->value.GetString(), m->value.GetStringLength()) : std::string();
  };
  TrackInfo t;
  t.artist = str("artist"), t.title = str("title"), t.text = str("text");
  return display_text(t);
}
}  // namespace

Result<NowPlaying> parse_nowplaying(std::string_view body) {
  if (body.size() > (1u << 20)) return invalid("body larger than 1 MiB");
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body); !st) return st.forward();
  return parse_nowplaying(doc);
}

Result<NowPlaying> parse_nowplaying(const Value& doc) {
  if (!doc.IsObject()) return invalid("the NowPlaying body must be a JSON object");
  NowPlaying np;
  if (auto st = doc.FindMember("station"); st != doc.MemberEnd() && st->value.IsObject()) {
    if (Status s = get_string(st->value, "shortcode", "station", np.station); !s) return Error{s.error(), Errc::invalid};
    if (np.station.empty())
      if (Status s = get_string(st->value, "name", "station", np.station); !s) return Error{s.error(), Errc::invalid};
  }
  if (auto on = doc.FindMember("is_online"); on != doc.MemberEnd()) {
    if (!on->value.IsBool()) return invalid("is_online must be a boolean");
    np.is_online = on->value.GetBool();
  }
  if (auto live = doc.FindMember("live"); live != doc.MemberEnd() && live->value.IsObject()) {
    if (auto l = live->value.FindMember("is_live"); l != live->value.MemberEnd() && l->value.IsBool()) np.track.live = l->value.GetBool();
    if (Status s = get_string(live->value, "streamer_name", "live", np.track.streamer); !s) return Error{s.error(), Errc::invalid};
  }
  auto npit = doc.FindMember("now_playing");
  if (npit == doc.MemberEnd() || !npit->value.IsObject()) return invalid("now_playing is missing or not an object");
  const Value& cur = npit->value;
  auto songit = cur.FindMember("song");
  if (songit == cur.MemberEnd() || !songit->value.IsObject()) return invalid("now_playing.song is missing or not an object");
  const Value& song = songit->value;
  TrackInfo& t = np.track;
  t.source = TrackSource::webhook;
  const std::string sp = "now_playing.song";
  for (auto [key, field] : {std::pair{"id", &t.song_id}, {"artist", &t.artist}, {"title", &t.title}, {"text", &t.text},
                            {"album", &t.album}, {"art", &t.art}}) {
    if (Status s = get_string(song, key, sp, *field); !s) return Error{s.error(), Errc::invalid};
  }
  if (auto cf = song.FindMember("custom_fields"); cf != song.MemberEnd() && !cf->value.IsNull()) {
    // AzuraCast sends {} or [] when there are none.
    if (cf->value.IsObject()) {
      for (auto it = cf->value.MemberBegin(); it != cf->value.MemberEnd() && t.custom_fields.size() < kMaxCustomFields; ++it) {
        if (it->value.IsNull()) continue;
        std::string key(it->name.GetString(), it->name.GetStringLength()), value = scalar_text(it->value);
        clean_field(key, 64);
        clean_field(value, kMaxField);
        t.custom_fields[key] = value;
      }
    } else if (!cf->value.IsArray()) {
      return invalid("now_playing.song.custom_fields must be an object");
    }
  }
  if (Status s = get_int(cur, "sh_id", "now_playing", t.sh_id); !s) return Error{s.error(), Errc::invalid};
  if (Status s = get_int(cur, "played_at", "now_playing", t.played_at); !s) return Error{s.error(), Errc::invalid};
  if (Status s = get_string(cur, "playlist", "now_playing", t.playlist); !s) return Error{s.error(), Errc::invalid};
  t.next = next_song(doc);
  if (t.text.empty() && !(t.artist.empty() && t.title.empty())) t.text = t.artist.empty() ? t.title : t.artist + " - " + t.title;
  if (t.artist.empty() && t.title.empty() && !t.text.empty()) split_station_text(t);
  for (std::string* f : {&t.song_id, &t.artist, &t.title, &t.text, &t.album, &t.playlist, &np.station, &t.streamer, &t.next})
    clean_field(*f, kMaxField);
  clean_field(t.art, kMaxUrl);
  if (t.text.empty() && t.song_id.empty()) return invalid("now_playing.song has neither id nor text/artist/title");
  return np;
}

}  // namespace loopcast
