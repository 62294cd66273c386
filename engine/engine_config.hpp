// Media settings of one pipeline: what to read, how to encode, where to send.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/backoff.hpp"
#include "engine/input/station_options.hpp"
#include "engine/picture/fit.hpp"
#include "engine/picture/logo.hpp"
#include "engine/picture/title_card.hpp"
#include "engine/video/overlay_config.hpp"
#include "engine/video/visualizer_config.hpp"

namespace loopcast {

// How the picture reaches the encoder: encoded frame by frame, or pre-encoded loops copied (splice).
enum class VideoMode { encode, splice, automatic };  // automatic ("auto"): splice when nothing draws per frame
std::optional<VideoMode> parse_video_mode(std::string_view text);  // "encode", "splice", "auto"
const char* to_string(VideoMode mode);

// The video codec of the live encode: H.264 (libx264) for every output, or HEVC (libx265) for the
// outputs that can carry it (MPEG-TS: HLS, YouTube's HLS ingest, SRT); FLV in FFmpeg 5.1 cannot.
enum class VideoCodec { h264, hevc };
std::optional<VideoCodec> parse_video_codec(std::string_view text);  // "h264", "hevc"
const char* to_string(VideoCodec codec);

// A picture size as written: "1280x720" (or "1280X720"); nullopt for anything else.
struct PictureSize {
  int width = 0, height = 0;
};
std::optional<PictureSize> parse_picture_size(const std::string& text);
// A size the encoders and platforms take: even, 16..3840 x 16..2160.
bool picture_size_ok(int width, int height);

// What is under the picture: the mapped loop, or the song's cover scene ("@art" in the mapping).
enum class Background { loop, art };
std::optional<Background> parse_background(std::string_view text);  // "loop", "art"
const char* to_string(Background background);

struct EngineConfig {
  std::string loop;                  // first loop video (any container/codec libavformat reads)
  std::string audio;                 // station URL (http/https/icecast) or local file; empty = tone
  std::string fallback_audio;        // optional file played while the station is down
  std::vector<std::string> outputs;  // rtmp://, rtmps:// or a local .flv path
  int width = 1280;
  int height = 720;
  int fps = 30;
  FitMode fit = FitMode::contain;    // a loop of another shape: black bars, centre crop or stretch
  int64_t video_bitrate = 2'500'000;
  int64_t audio_bitrate = 128'000;
  int sample_rate = 44100;
  std::string preset = "veryfast";
  VideoCodec codec = VideoCodec::h264;
  double keyframe_interval = 2.0;    // seconds; YouTube wants 2, never more than 4
  int x264_threads = 0;              // 0 = x264's choice
  double io_timeout = 10.0;          // seconds without progress before a network read/write fails
  double audio_buffer = 0.5;         // target jitter-buffer level for live audio, seconds
  std::optional<double> loudness_target;  // LUFS; none = measure only, leave the level alone
  double crossfade = 0.0;            // seconds of blend between old and new loop on a switch
  bool realtime = true;              // pace output against the wall clock
  double speed = 1;                  // ... at this many media seconds per wall second (soaks)
  double duration = 0.0;             // stop after this many output seconds; 0 = run forever
  VideoMode video_mode = VideoMode::encode;
  std::string cache_dir;             // pre-encoded loops for splice mode; empty = default_cache_dir()
  OverlayConfig overlay{};           // now-playing text on the picture
  LogoConfig logo{};                 // the station logo: drawn per frame (encode), baked into cached loops (splice)
  TitleCardConfig title_card{};      // "Artist – Title" over each song's first seconds, composed ahead (splice)
  VisualizerConfig visualizer{};     // the audio drawn over the loop
  Background background = Background::loop;
  Backoff input_backoff{1.0, 1.5, 10.0, 0};  // a station back up is heard within 10 s, not 30
  Backoff output_backoff{};

  StationOptions station() const { return {sample_rate, io_timeout, audio_buffer, input_backoff}; }
};

// Whether something draws on every frame: the overlay, the visualiser or a crossfade. Splice mode
// copies pre-encoded frames, so it runs only when nothing draws: validate() refuses splice
// otherwise, and auto picks splice by this same rule. What is known ahead does not count: the logo
// (baked into the cached loops), title cards (composed per song) and the art scenes (one still
// per song, encoded once).
bool draws_per_frame(const EngineConfig& e);

}  // namespace loopcast
