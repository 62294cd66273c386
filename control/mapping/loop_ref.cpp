#include "control/mapping/loop_ref.hpp"

#include <filesystem>

#include "base/redact.hpp"
#include "base/url.hpp"

namespace loopcast {

LoopRef LoopRef::parse(std::string_view written) {
  LoopRef r;
  if (written.empty()) return r;
  r.kind_ = written == kArtScene ? Kind::art : is_network_url(written) ? Kind::network : Kind::file;
  if (r.kind_ != Kind::art) r.location_ = std::string(written);
  return r;
}

LoopRef LoopRef::scene(std::string cover_url, std::string song_text) {
  LoopRef r;
  r.kind_ = Kind::scene;
  r.location_ = std::move(cover_url);
  r.text_ = std::move(song_text);
  return r;
}

std::string LoopRef::shown() const {
  switch (kind_) {
    case Kind::none: return "";
    case Kind::file: return location_;
    case Kind::network: return redact_url(location_);
    case Kind::art:
    case Kind::scene: return std::string(kArtScene);
  }
  return "";
}

std::string LoopRef::name() const {
  return kind_ == Kind::file ? std::filesystem::path(location_).filename().string() : shown();
}

}  // namespace loopcast
