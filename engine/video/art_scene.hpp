// The cover-art scene (`--background art`, mapping "@art"): the song's cover scaled to cover the
// whole frame, blurred and darkened, the sharp cover on the left and "Artist", "Title", "Album"
// beside it. Composed once per song with libavfilter on the switch-prepare thread; on air it is
// a still picture, so it costs the pipeline nothing per frame beyond encoding it.
#pragma once
#include <string>

#include <memory>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/input/loop_source.hpp"

namespace loopcast {

struct ArtSceneText {
  std::string artist, title, album;
};

struct ArtSceneLayout {
  int width = 1280, height = 720;
  int cover = 0;  // side of the sharp cover; 0 = 60 % of the height
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
};

// The scene as an output-sized YUV420P frame. `cover` is any picture libswscale reads (the
// cover-art loader gives YUVA420P). Fails with context when the filter graph does.
Result<FramePtr> compose_art_scene(const AVFrame* cover, const ArtSceneText& text, const ArtSceneLayout& layout);

// Where the sharp cover sits in a scene made with `layout` (x, y, side): for tests and callers.
struct Rect {
  int x, y, w, h;
};
Rect art_scene_cover_rect(const ArtSceneLayout& layout);

// Fetches the cover at `url` (within `timeout_s`) and composes the scene as a still source named
// "@art", ready to switch to. Off the pipeline thread: it blocks on the network.
Result<std::unique_ptr<LoopSource>> open_art_scene(const std::string& url, const ArtSceneText& text, const ArtSceneLayout& layout,
                                                   double timeout_s);

}  // namespace loopcast
