#include "engine/picture/title_card.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
}

namespace loopcast {
namespace {
using Options = std::initializer_list<std::pair<const char*, std::string>>;

Status add_filter(AVFilterGraph* g, AVFilterContext*& last, const char* name, Options options) {
  AVFilterContext* f = avfilter_graph_alloc_filter(g, avfilter_get_by_name(name), nullptr);
  if (!f) return Error{fmt::format("title card: no {} filter", name), Errc::internal};
  AVDictionary* o = nullptr;
  for (const auto& [k, v] : options) av_dict_set(&o, k, v.c_str(), 0);
  int err = avfilter_init_dict(f, &o);
  av_dict_free(&o);
  if (err >= 0) err = avfilter_link(last, 0, f, 0);
  if (err < 0) return Error{fmt::format("title card: {}: {}", name, av_error_string(err)), Errc::invalid};
  last = f;
  return Status::ok();
}
}  // namespace

std::string card_subline(const std::string& album, const std::string& next) {
  if (next.empty()) return album;
  const std::string up = "Up next: " + next;
  return album.empty() ? up : album + "  \u00b7  " + up;
}

TitleCardPainter::~TitleCardPainter() { avfilter_graph_free(&graph_); }

Result<std::unique_ptr<TitleCardPainter>> TitleCardPainter::create(const TitleCardConfig& cfg, int width, int height,
                                                                   const CardText& text) {
  std::unique_ptr<TitleCardPainter> p(new TitleCardPainter());
  p->graph_ = avfilter_graph_alloc();
  if (!p->graph_) return Error{"title card: out of memory", Errc::internal};
  p->graph_->nb_threads = 1;
  const std::string args =
      fmt::format("video_size={}x{}:pix_fmt={}:time_base=1/30:pixel_aspect=1/1", width, height, static_cast<int>(AV_PIX_FMT_YUV420P));
  int err = avfilter_graph_create_filter(&p->src_, avfilter_get_by_name("buffer"), "in", args.c_str(), nullptr, p->graph_);
  if (err >= 0) err = avfilter_graph_create_filter(&p->sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, p->graph_);
  if (err < 0) return Error{fmt::format("title card: {}", av_error_string(err)), Errc::internal};
  // The band: the lower third's top at 72 % of the height, the title and its second line inside it,
  // sized from the picture height so 720p and 1080p cards look the same.
  const int title = std::max(8, cfg.size * height / 720), sub = std::max(8, title * 2 / 3), margin = title;
  const int band_h = title * 2 + (text.sub.empty() ? 0 : sub + title / 3), band_y = height - band_h - height / 12;
  AVFilterContext* last = p->src_;
  Status st = add_filter(
      p->graph_, last, "drawbox",
      {{"x", "0"}, {"y", std::to_string(band_y)}, {"w", "iw"}, {"h", std::to_string(band_h)}, {"color", "black@0.6"}, {"t", "fill"}});
  // One line of the band: the text as given (no %{...} expansion), left at the margin.
  const auto line = [&](const std::string& words, int size, const char* colour, int y) {
    return add_filter(p->graph_, last, "drawtext",
                      {{"fontfile", cfg.font},
                       {"text", words},
                       {"expansion", "none"},
                       {"fontsize", std::to_string(size)},
                       {"fontcolor", colour},
                       {"x", std::to_string(margin)},
                       {"y", std::to_string(y)}});
  };
  if (st) st = line(text.title, title, "white", band_y + title / 2);
  if (st && !text.sub.empty()) st = line(text.sub, sub, "white@0.85", band_y + title / 2 + title * 4 / 3);
  if (!st) return st.forward();
  if ((err = avfilter_link(last, 0, p->sink_, 0)) < 0 || (err = avfilter_graph_config(p->graph_, nullptr)) < 0)
    return Error{fmt::format("title card: {}", av_error_string(err)), Errc::invalid};
  return p;
}

Result<const AVFrame*> TitleCardPainter::paint(const AVFrame* in) {
  av_frame_unref(in_.get());
  if (av_frame_ref(in_.get(), in) < 0) return Error{"title card: out of memory", Errc::internal};
  in_->pts = frames_++;  // drawtext needs no real timeline, only increasing stamps
  av_frame_unref(out_.get());
  int err = av_buffersrc_add_frame_flags(src_, in_.get(), AV_BUFFERSRC_FLAG_KEEP_REF);
  if (err >= 0) err = av_buffersink_get_frame(sink_, out_.get());
  if (err < 0) return Error{fmt::format("title card: {}", av_error_string(err)), Errc::internal};
  return static_cast<const AVFrame*>(out_.get());
}

}  // namespace loopcast
