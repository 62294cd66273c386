// The HLS muxer writing its playlist and segments into memory instead of files, for an output that
// uploads them (engine/output/hls_upload.hpp): its io_open hands out a growing buffer, its io_close2
// gives the finished file to a sink. The muxer's own http writing is not used (it never reads the
// server's answer, and a slow server would stall the muxer); nothing touches the disk.
#pragma once
#include <functional>
#include <map>
#include <string>

extern "C" {
struct AVFormatContext;
struct AVIOContext;
struct AVDictionary;
}

namespace loopcast {

class HlsCapture {
 public:
  // Called on the muxing thread with each finished file: "index.m3u8" or "index<N>.ts" (no directory,
  // no scheme) and its bytes.
  using Sink = std::function<void(std::string name, std::string bytes)>;
  explicit HlsCapture(Sink sink) : sink_(std::move(sink)) {}
  HlsCapture(const HlsCapture&) = delete;
  HlsCapture& operator=(const HlsCapture&) = delete;

  // Routes `oc`'s file opens here; call before avformat_write_header. This object outlives `oc`.
  void attach(AVFormatContext* oc);

 private:
  static int open(AVFormatContext* s, AVIOContext** pb, const char* url, int flags, AVDictionary** options);
  static int close(AVFormatContext* s, AVIOContext* pb);

  Sink sink_;
  std::map<AVIOContext*, std::string> open_;  // buffers being written, by name; muxing thread only
};

}  // namespace loopcast
