// What an --output names and how it is muxed: RTMP(S) ingest and .flv files (FLV), a directory of
// HLS segments for the station's own site (`hls:DIR`), an SRT ingest in caller mode (MPEG-TS).
// One place decides the muxer and its options per kind, so Output has no per-kind branches beyond
// "does the muxer open its own files" and "is it a network peer".
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace loopcast {

enum class OutputKind { rtmp, file_flv, hls_dir, srt };

struct OutputTarget {
  OutputKind kind = OutputKind::rtmp;
  std::string muxer_url;  // what libavformat is given: the URL, the .flv path, or DIR/index.m3u8
  std::string dir;        // hls_dir: the directory (no trailing '/'); empty otherwise
};

// The HLS playlist's name inside its directory (what api/hls_files serves as index.m3u8).
inline constexpr const char* kHlsPlaylist = "index.m3u8";
// Segment files: "index<N>.ts", N counting from the Unix time of the session's start.
inline constexpr const char* kHlsSegmentPrefix = "index";
inline constexpr int kHlsSegmentSeconds = 2;  // the encoder's GOP: every segment starts on a keyframe
inline constexpr int kHlsListSize = 6;        // segments in the live playlist (~12 s)

// Parses an --output value; the error names the forms that are accepted (the URL redacted).
Result<OutputTarget> parse_output(std::string_view url);
// "hls:/var/www/live" → "/var/www/live" (trailing '/' trimmed); "" when `url` is not an hls: output.
std::string hls_dir_of(std::string_view url);

const char* muxer_name(OutputKind kind);  // "flv", "hls", "mpegts"
// A peer over the network: rw_timeout, reconnects that are expected, not operator mistakes.
bool is_network(OutputKind kind);
// The muxer's own options for this target (applied at avformat_write_header).
std::vector<std::pair<std::string, std::string>> muxer_options(const OutputTarget& target);
// Defaults for the protocol that carries it (avio_open2); the URL's own query still wins (libsrt
// reads it after these).
std::vector<std::pair<std::string, std::string>> protocol_options(const OutputTarget& target);

// True for a name the HLS muxer writes into its directory (the playlist or one of its segments),
// and for nothing else: no '/', no "..", no other file of the directory.
bool is_hls_file_name(std::string_view name);

}  // namespace loopcast
