#include "engine/output/output_kind.hpp"

#include <fmt/format.h>

#include <cctype>

#include "base/redact.hpp"
#include "base/url.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/output/platform.hpp"

namespace loopcast {
namespace {
constexpr std::string_view kHls = "hls:";
constexpr std::string_view kYouTubeHls = "youtube-hls://";
constexpr std::string_view kYouTubeHlsBackup = "youtube-hls-backup://";
constexpr std::string_view kHlsOverHttp = "hls+";  // hls+https://, hls+http://

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Error invalid(std::string_view url, std::string_view why) {
  return Error{fmt::format("output '{}': {}", redact_url(url, true), why), Errc::invalid};
}

// The value of `name` in the URL's query ("" when absent).
std::string_view query_value(std::string_view url, std::string_view name) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = url.substr(q + 1);
  while (!query.empty()) {
    const std::string_view kv = query.substr(0, query.find('&'));
    if (const auto eq = kv.find('='); eq != std::string_view::npos && kv.substr(0, eq) == name) return kv.substr(eq + 1);
    if (kv.size() >= query.size()) break;
    query.remove_prefix(kv.size() + 1);
  }
  return {};
}

Result<OutputTarget> parse_hls(std::string_view url) {
  std::string dir(url.substr(kHls.size()));
  if (starts_with(dir, "//"))
    return invalid(url, "hls:DIR takes a local directory (e.g. hls:/var/www/live); publishing HLS to a web server is not supported");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return invalid(url, "hls: needs a directory, e.g. hls:/var/www/live");
  // The segment name is a libavformat template (index%d.ts): a '%' of the directory would be read as one.
  if (dir.find('%') != std::string::npos) return invalid(url, "the HLS directory's name may not contain '%'");
  return OutputTarget{OutputKind::hls_dir, dir + "/" + kHlsPlaylist, dir};
}

// The HLS muxer's files are captured in memory and uploaded (engine/output/hls_upload.hpp): these
// names are only what the playlist calls its segments and what is appended to the upload URL.
// The playlist's name has a scheme no protocol claims: for a file: name the muxer would write the
// live playlist to "index.m3u8.tmp" and rename it on disk, which is not where these files are.
OutputTarget hls_upload_target(std::string prefix) {
  return OutputTarget{OutputKind::hls_upload, std::string("upload:") + kHlsPlaylist, {}, std::move(prefix)};
}

Result<OutputTarget> parse_youtube_hls(std::string_view url, bool backup) {
  const std::string_view key = url.substr(backup ? kYouTubeHlsBackup.size() : kYouTubeHls.size());
  if (key.empty()) return invalid(url, "needs the stream key: youtube-hls://{key} with LOOPCAST_STREAM_KEY set");
  if (key == "{key}") return invalid(url, "{key} needs LOOPCAST_STREAM_KEY in the environment");
  if (!is_stream_key(key))
    return invalid(url, "a YouTube stream key holds only letters, digits, '-' and '_' (youtube-hls://KEY, nothing after it)");
  return hls_upload_target(youtube_hls_prefix(key, backup));
}

Result<OutputTarget> parse_hls_over_http(std::string_view url) {
  const std::string_view inner = url.substr(kHlsOverHttp.size());
  const bool web = starts_with(inner, "https://") || starts_with(inner, "http://");
  if (!web || url_host(inner).empty())
    return invalid(url, "expected hls+https://HOST[:PORT]/PATH/ (or hls+http://), where each playlist and segment is PUT");
  // The name is appended: after a directory's '/', or after YouTube's "...&file=".
  if (const char last = inner.back(); last != '/' && last != '=')
    return invalid(url, "the upload URL must end in '/' (a directory) or in 'file=' (YouTube's HLS ingest URL)");
  return hls_upload_target(std::string(inner));
}

Result<OutputTarget> parse_srt(std::string_view url) {
  const std::string_view host_port = url_authority(url).host_port;
  const auto colon = host_port.rfind(':');
  const bool has_port = colon != std::string_view::npos && colon + 1 < host_port.size() && colon > 0 &&
                        host_port.find_first_not_of("0123456789", colon + 1) == std::string_view::npos;
  if (!has_port) return invalid(url, "expected srt://HOST:PORT[?options]");
  // loopcast calls the ingest: a listening or rendezvous socket would wait for a peer that never calls.
  if (const auto mode = query_value(url, "mode"); !mode.empty() && mode != "caller")
    return invalid(url, "SRT outputs call their ingest (mode=caller); listener and rendezvous are not supported");
  return OutputTarget{OutputKind::srt, std::string(url), {}};
}
}  // namespace

std::string youtube_hls_prefix(std::string_view key, bool backup) {
  return fmt::format("https://{}.upload.youtube.com/http_upload_hls?cid={}&copy={}&file=", backup ? 'b' : 'a', key, backup ? 1 : 0);
}

Result<OutputTarget> parse_output(std::string_view output) {
  const std::string_view url = output_address(output);  // a '#' profile is the encoder's, not the muxer's
  // youtube://KEY, twitch://KEY, ...: the platform's RTMP(S) ingest (engine/output/platform.hpp).
  if (auto ingest = expand_platform(url)) {
    if (!*ingest) return invalid(url, ingest->error());
    return OutputTarget{OutputKind::rtmp, std::move(**ingest), {}};
  }
  if (starts_with(url, kHls)) return parse_hls(url);
  if (starts_with(url, kYouTubeHls)) return parse_youtube_hls(url, false);
  if (starts_with(url, kYouTubeHlsBackup)) return parse_youtube_hls(url, true);
  if (starts_with(url, kHlsOverHttp)) return parse_hls_over_http(url);
  if (starts_with(url, "srt://")) return parse_srt(url);
  if (starts_with(url, "rtmp://") || starts_with(url, "rtmps://")) return OutputTarget{OutputKind::rtmp, std::string(url), {}};
  if (url.find("://") == std::string_view::npos && url.size() > 4 && ends_with(url, ".flv"))
    return OutputTarget{OutputKind::file_flv, std::string(url), {}};
  return invalid(url,
                 "expected rtmp://, rtmps://, youtube://KEY, twitch://KEY, facebook://KEY, srt://HOST:PORT, hls:DIR, "
                 "youtube-hls://KEY, hls+https://HOST/PATH/ or a path ending in .flv");
}

std::string hls_dir_of(std::string_view url) {
  auto t = parse_output(url);
  return t && t->kind == OutputKind::hls_dir ? t->dir : "";
}

const char* muxer_name(OutputKind kind) {
  switch (kind) {
    case OutputKind::rtmp:
    case OutputKind::file_flv: return "flv";
    case OutputKind::hls_dir:
    case OutputKind::hls_upload: return "hls";
    case OutputKind::srt: return "mpegts";
  }
  return "flv";
}

bool carries_hevc(OutputKind kind) { return kind != OutputKind::rtmp && kind != OutputKind::file_flv; }

bool is_network(OutputKind kind) { return kind == OutputKind::rtmp || kind == OutputKind::srt; }

std::vector<std::pair<std::string, std::string>> muxer_options(const OutputTarget& target) {
  switch (target.kind) {
    // A live ingest cannot seek back to patch duration/filesize into the header.
    case OutputKind::rtmp: return {{"flvflags", "no_duration_filesize"}};
    case OutputKind::file_flv: return {};
    case OutputKind::hls_dir:
      return {
          {"hls_time", std::to_string(kHlsSegmentSeconds)},
          {"hls_list_size", std::to_string(kHlsListSize)},
          // temp_file: a reader never sees half a segment or half a playlist (written, then renamed).
          // delete_segments: the directory holds the live window, not the whole day.
          {"hls_flags", "delete_segments+temp_file+independent_segments+program_date_time"},
          {"hls_segment_filename", target.dir + "/" + kHlsSegmentPrefix + "%d.ts"},
          // Numbers (and so names) continue across restarts instead of reusing index0.ts, which a
          // player or a cache may still hold from the previous session.
          {"hls_start_number_source", "epoch"},
      };
    case OutputKind::hls_upload:
      // YouTube's HLS ingest: MPEG-TS segments of 1 to 4 s on closed GOPs, a media playlist. The
      // muxer writes into memory (no temp files, nothing to delete): the uploader sends each file.
      return {
          {"hls_time", std::to_string(kHlsSegmentSeconds)},
          {"hls_list_size", std::to_string(kHlsListSize)},
          {"hls_flags", "independent_segments+program_date_time"},
          {"hls_segment_filename", std::string(kHlsSegmentPrefix) + "%d.ts"},
          {"hls_start_number_source", "epoch"},
      };
    case OutputKind::srt: return {};
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> protocol_options(const OutputTarget& target) {
  // SRT's live mode closes without waiting (linger 0): the last ~0.7 s muxed before a stop, still
  // unacknowledged, would be lost. One second covers a loopback or a continent; stop() waits 3.
  if (target.kind == OutputKind::srt) return {{"linger", "1"}};
  return {};
}

bool is_hls_file_name(std::string_view name) {
  if (name == kHlsPlaylist) return true;
  const std::string_view prefix = kHlsSegmentPrefix;
  if (!starts_with(name, prefix) || !ends_with(name, ".ts")) return false;
  const std::string_view number = name.substr(prefix.size(), name.size() - prefix.size() - 3);
  if (number.empty() || number.size() > 20) return false;
  for (char c : number)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace loopcast
