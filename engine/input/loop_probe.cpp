#include "engine/input/loop_probe.hpp"

#include <fmt/format.h>

#include <atomic>

#include "engine/input/open_input.hpp"

namespace loopcast {

Result<LoopFacts> probe_loop(const std::string& path) {
  static const std::atomic<bool> never{false};
  IoDeadline deadline(never);
  auto opened = open_input(path, deadline);
  if (!opened) return Error{fmt::format("probe loop '{}': {}", path, opened.error()), opened.code()};
  const InputPtr& in = *opened;
  const int v = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (v < 0) return Error{fmt::format("probe loop '{}': no video stream", path), Errc::invalid};
  const AVStream* st = in->streams[v];
  LoopFacts f;
  f.width = st->codecpar->width;
  f.height = st->codecpar->height;
  // The video track's own length: the container's may count an offset or a longer audio track.
  if (st->duration > 0) f.duration = static_cast<double>(st->duration) * av_q2d(st->time_base);
  else if (in->duration > 0) f.duration = static_cast<double>(in->duration) / AV_TIME_BASE;
  return f;
}

Result<FramePtr> loop_picture(const std::string& path, double at, const VideoFormat& format) {
  auto src = LoopSource::open(path, format);
  if (!src) return src.forward();
  const AVFrame* shown = (*src)->frame_at(at);
  FramePtr copy = make_frame();
  if (!copy || !shown || av_frame_ref(copy.get(), shown) < 0) return Error{fmt::format("picture of loop '{}': out of memory", path)};
  return copy;
}

}  // namespace loopcast
