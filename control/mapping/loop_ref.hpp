// What a switch puts on air, parsed once where it enters loopcast (a mapping rule, an API request,
// a time rule, the config's default loop): a file, a loop on a network URL, the cover-art scene as
// a mapping names it ("@art"), or one song's scene (its cover and its text). Everything after the
// parse asks the kind, never the string's shape.
#pragma once
#include <string>
#include <string_view>

namespace loopcast {

// The mapping's name for the cover-art scene ("loop": "@art"): not a file, composed per song.
inline constexpr std::string_view kArtScene = "@art";
// --live-loop's name for the live-DJ scene: the song's cover with "Live: STREAMER" as its text.
inline constexpr std::string_view kLiveScene = "@live";

class LoopRef {
 public:
  enum class Kind {
    none,     // nothing named (an empty default): the caller keeps what is on air
    file,     // a video file (absolute path, or as given)
    network,  // a loop on http(s)/rtmp..., opened with the I/O deadline
    art,      // "@art" as a rule wrote it: becomes a song's scene when the song has a cover
    scene,    // one song's cover-art scene: cover URL + the text the scene draws
  };

  LoopRef() = default;
  // "@art" → art; a network URL → network; anything else non-empty → file; "" → none.
  static LoopRef parse(std::string_view written);
  // One song's scene. The text is part of its identity because the scene draws it: the next song
  // of the same album (same cover) is a new scene, not a text-only change of the old one.
  static LoopRef scene(std::string cover_url, std::string song_text);

  Kind kind() const { return kind_; }
  bool empty() const { return kind_ == Kind::none; }
  bool is_scene() const { return kind_ == Kind::art || kind_ == Kind::scene; }
  // A file path or URL (file, network), the cover URL (scene); empty otherwise.
  const std::string& location() const { return location_; }
  const std::string& text() const { return text_; }  // a scene's song text

  // What status, events and logs show: "@art" for either scene kind, a URL without credentials
  // or signed query, a file as given.
  std::string shown() const;
  // "ocean.mp4" for "/srv/loops/ocean.mp4": what an operator picked (events list).
  std::string name() const;

  friend bool operator==(const LoopRef&, const LoopRef&) = default;

 private:
  Kind kind_ = Kind::none;
  std::string location_;
  std::string text_;
};

}  // namespace loopcast
