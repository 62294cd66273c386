// The station logo: a PNG with alpha, read once at start and scaled to its width on the picture.
// Both video paths draw it with the same stamp (logo_stamp.hpp): encode on every frame, splice
// into the cached loops before their one encode, so it sits on the same pixels either way.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/picture/corner.hpp"

namespace loopcast {

// A logo at its size on the picture: RGBA, straight (not premultiplied) alpha, even width and height.
struct Logo {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4, rows packed
};

struct LogoConfig {
  std::string file;                   // PNG with an alpha channel; empty = no logo
  Corner position = Corner::top_right;
  int size = 160;                     // width on the picture in pixels; the height keeps the aspect
  double opacity = 1;                 // 0..1, times the PNG's own alpha
  // The file's pixels at `size`, loaded once (load_logo) and shared by every copy of the config,
  // so the encode path, the cache builder and the cache key all see the same picture.
  std::shared_ptr<const Logo> image;
  bool enabled() const { return !file.empty(); }
};

// Larger PNGs are refused before decoding (a logo, not a poster: also bounds the memory it takes).
constexpr int kMaxLogoSide = 4096;

// Reads `file` and scales it to `width` (rounded to even). Errors name the file and the reason:
// missing, not a PNG image, no alpha channel, larger than 4096 px.
Result<std::shared_ptr<const Logo>> read_logo(const std::string& file, int width);
// Fills cfg.image from cfg.file unless it is already there (or there is no logo), and checks the
// logo fits a frame_width x frame_height picture inside its margins.
Status load_logo(LogoConfig& cfg, int frame_width, int frame_height);

}  // namespace loopcast
