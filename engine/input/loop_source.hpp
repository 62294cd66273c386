// One background loop video, decoded endlessly and delivered as output-sized frames on a local
// timeline that never jumps: at EOF the file is rewound and its timestamps continue where the
// previous pass ended. The file's own timestamps never reach the output. Each picture is shown
// upright and in its own shape (pixel aspect ratio, rotation) as the fit mode says.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "base/av.hpp"
#include "base/interrupt.hpp"
#include "base/result.hpp"
#include "engine/picture/fit.hpp"
#include "engine/picture/fit_scaler.hpp"

namespace loopcast {

struct VideoFormat {
  int width = 1280;
  int height = 720;
  AVPixelFormat pix_fmt = AV_PIX_FMT_YUV420P;
  int fps = 30;  // the output rate: a source frame goes on air at the output frame nearest its time
  FitMode fit = FitMode::contain;  // a picture of another shape: bars, crop or stretch (fit.hpp)
};

class LoopSource {
 public:
  // Opens `path`, decodes and converts the first frame, so a prepared source can go on air at
  // once. Fails with context for a missing file, no video stream, or an undecodable stream.
  static Result<std::unique_ptr<LoopSource>> open(const std::string& path, const VideoFormat& out);
  // A source that shows one picture forever (a composed scene such as the cover-art background):
  // it switches and crossfades like a loop. `picture` must be output-sized YUV420P.
  static std::unique_ptr<LoopSource> still(std::string name, FramePtr picture);
  ~LoopSource();

  // The frame to show `t` seconds after this loop went on air (t never decreases). The frame is
  // owned by the source and stays valid until the next call. On a decode fault mid-file the
  // loop rewinds; the previous frame is returned if nothing can be decoded at all.
  const AVFrame* frame_at(double t);

  // Blocking reads give up once `*flag` is set (the owning pipeline's stop flag): a loop on a
  // network share or URL that stalls cannot hold a stop, so the watchdog restarts in-process.
  // Null (the default) never interrupts.
  void set_cancel(const std::atomic<bool>* flag) { deadline_.also_stop_on(flag); }

  const std::string& path() const { return path_; }
  int wraps() const { return wraps_; }
  // Local time where the pass being decoded (read ahead of the frame on air) started: after the
  // first wrap, the length of one pass of the file.
  double pass_start() const { return offset_; }
  uint64_t decoded_frames() const { return decoded_; }
  uint64_t errors() const { return errors_; }
  bool repeated() const { return repeated_ && !still_; }  // the last frame_at() showed the previous picture again

 private:
  LoopSource() = default;
  Status init(const std::string& path, const VideoFormat& out);
  bool decode_next();  // fills next_ / next_t_; false when the file yields nothing
  bool rewind();
  void convert_into_current(AVFrame* src);  // consumes src
  PictureShape shape_of(const AVFrame* f) const;

  std::string path_;
  VideoFormat out_;
  const std::atomic<bool> never_{false};
  IoDeadline deadline_{never_};  // no time limit on a loop's reads: only the owner's stop flag (set_cancel)
  InputPtr fmt_;
  CodecCtxPtr dec_;
  std::unique_ptr<FitScaler> fit_;
  std::optional<int> stream_rotation_;  // the stream's display matrix; else each frame's (if any)
  PacketPtr pkt_ = make_packet();
  FramePtr next_ = make_frame();     // decoded, not yet on air
  FramePtr staged_ = make_frame();   // due, about to be converted
  FramePtr current_ = make_frame();  // converted, on air
  int stream_ = -1;
  AVRational tb_{1, 1};
  int64_t first_pts_ = AV_NOPTS_VALUE;
  double offset_ = 0;         // local time where the current pass of the file started
  double pass_end_ = 0;       // end time (pts + duration) of the last frame decoded in this pass
  double next_t_ = 0;
  double frame_dur_ = 1.0 / 30;
  bool have_next_ = false;
  bool eof_ = false;
  int wraps_ = 0;
  int empty_passes_ = 0;
  bool repeated_ = false;
  bool still_ = false;  // one picture, no file
  bool draw_warned_ = false;
  uint64_t decoded_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace loopcast
