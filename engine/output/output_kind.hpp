// What an --output names and how it is muxed: RTMP(S) ingest and .flv files (FLV), a directory of
// HLS segments for the station's own site (`hls:DIR`), an SRT ingest in caller mode (MPEG-TS), HLS
// uploaded over HTTP(S) PUT (`youtube-hls://KEY`, `hls+https://HOST/PATH/`: YouTube's HLS ingest).
// One place decides the muxer and its options per kind, so Output has no per-kind branches beyond
// "does the muxer open its own files" and "is it a network peer".
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace loopcast {

enum class OutputKind { rtmp, file_flv, hls_dir, srt, hls_upload };

struct OutputTarget {
  OutputKind kind = OutputKind::rtmp;
  std::string muxer_url;  // what libavformat is given: the URL, the .flv path, or DIR/index.m3u8
  std::string dir;        // hls_dir: the directory (no trailing '/'); empty otherwise
  // hls_upload: where each file goes, the file's name appended ("https://h/live/" or YouTube's
  // "...&file="). Holds the key: never shown (redact_url(url, true) is what is shown).
  std::string upload_prefix;
};

// YouTube's HLS ingest for a stream key (developers.google.com/youtube/v3/live/guides/hls-ingestion:
// "https://a.upload.youtube.com/http_upload_hls?cid=$STREAM_KEY&copy=0&file=", the file name
// appended; the backup ingest is b.upload.youtube.com with copy=1, as the Live Streaming API gives it).
std::string youtube_hls_prefix(std::string_view key, bool backup);

// The HLS playlist's name inside its directory (what api/hls_files serves as index.m3u8).
inline constexpr const char* kHlsPlaylist = "index.m3u8";
// Segment files: "index<N>.ts", N counting from the Unix time of the session's start.
inline constexpr const char* kHlsSegmentPrefix = "index";
inline constexpr int kHlsSegmentSeconds = 2;  // the encoder's GOP: every segment starts on a keyframe
inline constexpr int kHlsListSize = 6;        // segments in the live playlist (~12 s)

// Parses an --output value (its '#' profile, engine/output/output_profile.hpp, aside); the error names the forms that are accepted (the URL redacted).
Result<OutputTarget> parse_output(std::string_view url);
// "hls:/var/www/live" → "/var/www/live" (trailing '/' trimmed); "" when `url` is not an hls: output.
std::string hls_dir_of(std::string_view url);

const char* muxer_name(OutputKind kind);  // "flv", "hls", "mpegts"
// MPEG-TS (HLS, SRT) carries HEVC; FLV (RTMP, .flv) does not in FFmpeg 5.1 ("enhanced RTMP" is 6.1).
bool carries_hevc(OutputKind kind);
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
