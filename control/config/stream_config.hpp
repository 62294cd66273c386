// Channels in the config: a `streams` array, one entry per stream, each with an `id` and any
// per-stream key of today's single-stream config (parsed by the same key table). Process-wide
// keys (HTTP, tokens, control dir, TLS, log level) live at the top only; the top's per-stream keys
// are the defaults every entry starts from. A document without `streams` is one stream, "main".
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"
#include "control/config/config.hpp"

namespace loopcast {

// One stream of the config: its id, the entry as written (persisted back as is) and its settings.
struct StreamSpec {
  std::string id;
  std::string entry_json;  // the entry object as written, "id" included (persisted back as is)
  AppConfig cfg;
  // Keys of an entry only (not of the single-stream config):
  std::string api_token;  // "api_token", else $LOOPCAST_API_TOKEN_<ID>: controls this stream only; a secret
  bool backup = false;    // "backup": the next replica in the id's hash order publishes backup_outputs
  std::vector<std::string> backup_outputs;  // "backup_output" (string or list), else YouTube's backup of each output
};

// The top of a config document: its text without "streams" and the entries of "streams".
struct StreamsDocument {
  std::string top_json = "{}";           // every key but "streams", as written
  std::vector<std::string> entries;      // each entry object, "id" included, as written
  bool has_streams = false;              // false: a single-stream document (one stream "main")
};

constexpr const char* kDefaultStreamId = "main";

// [a-z0-9-]+, at most 64 characters: it names a directory, a URL segment and a metric label.
bool valid_stream_id(const std::string& id);
// Keys that exist once per process and are refused inside a stream entry.
bool is_process_key(const std::string& key);

// Splits a config document; Errc::invalid for bad JSON, a non-array `streams` or a non-object entry.
Result<StreamsDocument> split_streams_document(const std::string& json_text);
// base + one entry's keys (ids checked, process-wide keys refused). Errors name the stream and the
// key: "stream 'b': vbitrate: invalid value 'x': ...". Not yet validated (see validate_stream).
Result<StreamSpec> parse_stream_entry(const AppConfig& base, const std::string& entry_json);
// LOOPCAST_<WHAT>_<ID>: the id upper-cased, '-' as '_' ("jazz-2" → LOOPCAST_STREAM_KEY_JAZZ_2).
std::string stream_env_name(const std::string& what, const std::string& id);
// Fills "{key}" in the stream's outputs and backup outputs with $LOOPCAST_STREAM_KEY_<ID> when set
// (a Secret can carry one key per stream); the rest is resolve_stream_key()'s (LOOPCAST_STREAM_KEY).
void fill_stream_key(StreamSpec& s);
// With "backup": the backup outputs, given or derived from YouTube's primary ingest
// (rtmps://a.rtmps.youtube.com:443/live2/KEY → rtmps://b.rtmps.youtube.com:443/live2?backup=1/KEY);
// an output that is not YouTube's and no "backup_output" is an error naming the stream.
Status resolve_backup_outputs(StreamSpec& s);
// validate() with the stream named in the message.
Status validate_stream(const StreamSpec& s);
// Across streams: unique ids, and no two streams publishing to the same output.
Status validate_streams(const std::vector<StreamSpec>& streams);
// The document written back: top_json's keys followed by "streams": [entries...], pretty enough
// to edit by hand (one entry per line).
std::string render_streams_document(const std::string& top_json, const std::vector<std::string>& entries);
// The value of --config FILE / --config=FILE in run flags ("" when absent), and the flags without it.
std::string config_flag(const std::vector<std::string>& args);
std::vector<std::string> without_config_flag(const std::vector<std::string>& args);

}  // namespace loopcast
