#include "engine/video/art_scene.hpp"

#include "engine/input/cover_art.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
}

namespace loopcast {
namespace {

struct GraphDeleter {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};
using GraphPtr = std::unique_ptr<AVFilterGraph, GraphDeleter>;

int cover_side(const ArtSceneLayout& l) { return (l.cover > 0 ? l.cover : l.height * 6 / 10) & ~1; }

// Adds `name` with `args` and links `from` into it; null on failure.
AVFilterContext* chain(AVFilterGraph* g, AVFilterContext* from, const char* name, const std::string& args) {
  AVFilterContext* f = nullptr;
  if (avfilter_graph_create_filter(&f, avfilter_get_by_name(name), nullptr, args.c_str(), nullptr, g) < 0) return nullptr;
  if (from && avfilter_link(from, 0, f, 0) < 0) return nullptr;
  return f;
}

// drawtext with the text as a dictionary value: song titles need no escaping.
AVFilterContext* draw_text(AVFilterGraph* g, AVFilterContext* from, const ArtSceneLayout& l, const std::string& text, int size, int x, int y,
                           const char* color) {
  AVFilterContext* f = avfilter_graph_alloc_filter(g, avfilter_get_by_name("drawtext"), nullptr);
  if (!f) return nullptr;
  AVDictionary* o = nullptr;
  av_dict_set(&o, "fontfile", l.font.c_str(), 0);
  av_dict_set(&o, "text", text.c_str(), 0);
  av_dict_set(&o, "expansion", "none", 0);
  av_dict_set_int(&o, "fontsize", size, 0);
  av_dict_set(&o, "fontcolor", color, 0);
  av_dict_set_int(&o, "x", x, 0);
  av_dict_set_int(&o, "y", y, 0);
  const int err = avfilter_init_dict(f, &o);
  av_dict_free(&o);
  if (err < 0 || avfilter_link(from, 0, f, 0) < 0) return nullptr;
  return f;
}

}  // namespace

Rect art_scene_cover_rect(const ArtSceneLayout& l) {
  const int side = cover_side(l);
  return Rect{(l.height / 10) & ~1, ((l.height - side) / 2) & ~1, side, side};
}

Result<FramePtr> compose_art_scene(const AVFrame* cover, const ArtSceneText& text, const ArtSceneLayout& l) {
  auto fail = [](const std::string& what, int err = 0) {
    return Error{err ? fmt::format("art scene: {}: {}", what, av_error_string(err)) : fmt::format("art scene: {}", what)};
  };
  if (!cover || cover->width < 2 || cover->height < 2) return fail("no cover picture");
  GraphPtr g(avfilter_graph_alloc());
  if (!g) return fail("out of memory");
  g->nb_threads = 1;
  const Rect r = art_scene_cover_rect(l);
  const std::string src_args = fmt::format("video_size={}x{}:pix_fmt={}:time_base=1/30:pixel_aspect=1/1", cover->width, cover->height, cover->format);
  // Two sources fed the same picture: one becomes the background, one the sharp cover.
  AVFilterContext* bg_src = chain(g.get(), nullptr, "buffer", src_args);
  AVFilterContext* fg_src = chain(g.get(), nullptr, "buffer", src_args);
  if (!bg_src || !fg_src) return fail("buffer sources");
  AVFilterContext* bg = chain(g.get(), bg_src, "scale", fmt::format("w={}:h={}:force_original_aspect_ratio=increase", l.width, l.height));
  if (bg) bg = chain(g.get(), bg, "crop", fmt::format("w={}:h={}", l.width, l.height));
  if (bg) bg = chain(g.get(), bg, "format", "pix_fmts=yuv420p");
  if (bg) bg = chain(g.get(), bg, "gblur", fmt::format("sigma={}", std::max(4, l.height / 24)));
  if (bg) bg = chain(g.get(), bg, "lutyuv", "y=16+(val-16)*0.45");  // darker: the text and the cover stand out
  AVFilterContext* fg = chain(g.get(), fg_src, "scale", fmt::format("w={0}:h={0}:force_original_aspect_ratio=decrease", r.w));
  if (!bg || !fg) return fail("scale/blur filters");
  AVFilterContext* over = chain(g.get(), bg, "overlay", fmt::format("x={}+({}-w)/2:y={}+({}-h)/2:format=yuv420", r.x, r.w, r.y, r.h));
  if (!over || avfilter_link(fg, 0, over, 1) < 0) return fail("overlay filter");
  AVFilterContext* last = over;
  // Text to the right of the cover: title large, artist and album smaller, vertically centred.
  const int tx = r.x + r.w + l.height / 20, title_px = std::max(12, l.height / 14), line_px = std::max(10, l.height / 22);
  const int ty = l.height / 2 - title_px;
  struct Line {
    const std::string& s;
    int size, y;
    const char* color;
  };
  for (const Line& line : {Line{text.artist, line_px, ty - line_px * 2, "white@0.85"}, Line{text.title, title_px, ty, "white"},
                           Line{text.album, line_px, ty + title_px * 3 / 2, "white@0.7"}}) {
    if (line.s.empty()) continue;
    if (!(last = draw_text(g.get(), last, l, line.s, line.size, tx, line.y, line.color))) return fail(fmt::format("drawtext ({})", l.font));
  }
  AVFilterContext* sink = chain(g.get(), last, "buffersink", "");
  if (!sink) return fail("sink");
  if (int err = avfilter_graph_config(g.get(), nullptr); err < 0) return fail("configure", err);
  for (AVFilterContext* src : {bg_src, fg_src}) {
    FramePtr pic(av_frame_clone(cover));
    if (!pic) return fail("out of memory");
    pic->pts = 0;
    if (int err = av_buffersrc_add_frame_flags(src, pic.get(), 0); err < 0) return fail("feed the cover", err);
    if (int err = av_buffersrc_close(src, 1, 0); err < 0) return fail("feed the cover", err);
  }
  FramePtr out = make_frame();
  if (int err = av_buffersink_get_frame(sink, out.get()); err < 0) return fail("render", err);
  if (out->width != l.width || out->height != l.height || out->format != AV_PIX_FMT_YUV420P) return fail("unexpected output format");
  return out;
}

Result<std::unique_ptr<LoopSource>> open_art_scene(const std::string& url, const ArtSceneText& text, const ArtSceneLayout& layout,
                                                   double timeout_s) {
  // Fetched at the picture's height: enough for the sharp cover and for a background that is
  // blurred anyway.
  auto art = load_cover_art(url, layout.height, timeout_s);
  if (!art) return art.forward();
  auto scene = compose_art_scene(art->get(), text, layout);
  if (!scene) return scene.forward();
  return LoopSource::still("@art", std::move(*scene));
}

}  // namespace loopcast
