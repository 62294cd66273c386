// Channels in the config: a `streams` array, one entry per stream, each with an `id` and any
// per-stream key of today's single-stream config (parsed by the same key table). Process-wide
// keys (HTTP, tokens, control dir, TLS, log level) live at the top only; the top's per-stream keys
// are the defaults every entry starts from. A document without `streams` is one stream, "main".
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"
#include "control/config.hpp"

namespace loopcast {

// One stream of the config: its id, the entry as written (persisted back as is) and its settings.
struct StreamSpec {
  std::string id;
  std::string entry_json;  // the entry object as written, "id" included (persisted back as is)
  AppConfig cfg;
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
