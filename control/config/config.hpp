// Everything loopcast can be told, from a JSON config file and/or CLI flags (flags win).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "control/time/time_window.hpp"
#include "engine/engine_config.hpp"
#include "base/log.hpp"
#include "base/result.hpp"
#include "base/tls.hpp"

namespace loopcast {

// YouTube's side of one stream (api/youtube): watch its liveStream and broadcast, put a broadcast
// back on air when YouTube ends it. Credentials from LOOPCAST_YOUTUBE_* or the stream's entry.
struct YouTubeConfig {
  bool enabled = false;
  std::string title = "{station} \u2013 24/7";  // {station}, {date}, {song}
  std::string privacy = "unlisted";            // public | unlisted | private
  bool song_title = false;                     // the broadcast's title follows the song
  double song_interval = 300;                  // seconds between two title updates at least
  bool auto_start = false;                     // enableAutoStart; false: loopcast transitions to live
  bool auto_stop = false;                      // enableAutoStop
  std::string latency = "normal";              // normal | low | ultraLow
  int quota = 10000;                           // units per Pacific day
  double poll = 30;                            // seconds between two looks
  std::string api_url = "https://www.googleapis.com/youtube/v3";
  std::string oauth_url = "https://oauth2.googleapis.com";
  std::string client_id, client_secret, refresh_token;  // secrets (redacted everywhere)
};

struct ControlConfig {
  std::string http_bind = "127.0.0.1";
  int http_port = 8080;                    // 0 = no HTTP API
  std::string api_token;                   // bearer token for mutating endpoints; empty = none required
  std::string https_cert;                  // PEM certificate (chain) for the API; empty (with https_key) = plain HTTP
  std::string https_key;                   // its PEM private key; both are read again on SIGHUP
  std::string webhook_user;                // Basic auth for /webhook/azuracast; empty = none required
  std::string webhook_password;
  std::string control_dir;                 // status.json/control.json directory; empty = disabled
  std::string loops_dir = "assets/loops";  // where loop names are resolved
  std::string mapping_file;                // track → loop rules (JSON); empty = default loop only
  double switch_delay = 0.0;               // seconds between a webhook and the picture change
  bool icy_switch = false;                 // switch on in-band ICY StreamTitle changes
  std::string live_loop;                   // shown while a DJ is live (AzuraCast live.is_live): a loop name or "@live"
  std::string azuracast_url;               // AzuraCast base URL to follow (REST + live feed); empty = off
  std::string station;                     // its station shortcode
  double watchdog_timeout = 30.0;          // restart the pipeline when no packet for this long; 0 = off
  bool autostart = true;                   // start streaming at launch
  log::Level log_level = log::Level::info;
  TlsPolicy tls;                           // every TLS connection: verify against the system CAs or ca_file
  std::string timezone;                    // IANA zone for time rules and the schedule; "" = the system's
  std::vector<TimeWindow> schedule;        // stream windows; empty = no schedule (always on)
  YouTubeConfig youtube;
  // Replicas (control/cluster/shard.hpp): which streams of the config this process runs, and where the
  // others' owners answer (api/cluster_router.hpp).
  std::string shard;                       // "" = every stream; "INDEX/COUNT" or "auto"
  int replicas = 0;                        // COUNT for --shard auto; 0 = from LOOPCAST_REPLICAS
  std::string peer_url;                    // "http://loopcast-{index}.loopcast:8080"; "" = no forwarding
};

struct AppConfig {
  EngineConfig engine;
  ControlConfig control;
};

// Parse a JSON config document into cfg (keys not present keep their current values).
Status apply_config_json(AppConfig& cfg, const std::string& json_text);
// Read and apply a config file; Errc::not_found when missing.
Status apply_config_file(AppConfig& cfg, const std::string& path);
// Apply "loopcast run" flags (argv after "run"); --config FILE is applied first wherever it appears.
Status apply_cli_flags(AppConfig& cfg, const std::vector<std::string>& args);
// Environment: LOOPCAST_API_TOKEN, LOOPCAST_WEBHOOK_USER/PASSWORD, LOOPCAST_OUTPUT, LOOPCAST_STREAM_KEY,
// LOOPCAST_YOUTUBE_CLIENT_ID/CLIENT_SECRET/REFRESH_TOKEN...
void apply_environment(AppConfig& cfg);
// After env, file and flags: substitute {key} in outputs with LOOPCAST_STREAM_KEY (or default to
// YouTube's primary RTMPS ingest when only the key is given). The environment's key is a
// process-wide secret; the rest of a stream's secrets come from stream_secrets().
void resolve_stream_key(AppConfig& cfg);
// What a stream's logs must never show: ingest keys, URL credentials and signed queries. Registered
// (base/redact.hpp, owned by the stream) only once its config is valid, forgotten with the stream.
std::vector<std::string> stream_secrets(const AppConfig& cfg);
// For a stream that comes through the API: "{key}" (LOOPCAST_STREAM_KEY) may only be filled into an
// output on YouTube's ingest, else anyone allowed to PUT a stream could send the key to their own
// server. The config file, written by the operator, may use it anywhere.
Status check_key_template_hosts(const AppConfig& cfg);
// Cross-field checks after everything is applied (sizes, fps, bitrates, at least one output...).
Status validate(const AppConfig& cfg);
std::string cli_usage();

// A numeric key's accepted values: [min, max], or (min, max] when min_open.
struct ConfigRange {
  std::function<double(const AppConfig&)> value;  // null: the key has no range
  double min = 0, max = 0;
  bool min_open = false;
  const char* text = "";  // as --help and errors write it: "1..60", "(0, 300] s"
  bool holds(double v) const { return (min_open ? v > min : v >= min) && v <= max; }
};
// One row of the key table as --help shows it and validate() checks it.
struct ConfigKeyInfo {
  std::string name;          // JSON key; the flag is "--" + name with '-' for '_'
  std::string help;
  std::string default_text;
  ConfigRange range;
  bool takes_value = true;   // false: a switch (--no-realtime), given without a value
};
std::vector<ConfigKeyInfo> config_keys();
// The environment variables loopcast reads, with what each sets (secrets belong here, not in argv).
struct EnvVarInfo {
  const char* name;
  const char* help;
};
const std::vector<EnvVarInfo>& config_environment();
// Every key of the table (JSON names, e.g. "switch_delay"; the flag is "--switch-delay").
std::vector<std::string> config_key_names();

}  // namespace loopcast
