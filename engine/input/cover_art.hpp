// Cover art for the now-playing overlay: the webhook's song.art URL, fetched, decoded and scaled
// once per song on the switch-prepare thread, never on the pipeline thread.
#pragma once
#include <memory>
#include <string>

#include "base/av.hpp"
#include "base/result.hpp"

namespace loopcast {

// Shared and immutable: the overlay takes new references, a restart can show it again.
using ArtPtr = std::shared_ptr<const AVFrame>;

// Fetches an http(s) image (JPEG, PNG, WebP... whatever libavformat probes) within `timeout_s`
// in total and scales it to fit a `box` x `box` square, keeping its aspect, as YUVA420P (opaque
// where the image has no alpha). Other schemes are refused: the URL comes from outside.
Result<ArtPtr> load_cover_art(const std::string& url, int box, double timeout_s);

}  // namespace loopcast
