// Everything loopcast can be told, from a JSON config file and/or CLI flags (flags win).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "control/time_window.hpp"
#include "engine/engine_config.hpp"
#include "base/result.hpp"
#include "base/tls.hpp"

namespace loopcast {

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
  std::string azuracast_url;               // AzuraCast base URL to follow (REST + live feed); empty = off
  std::string station;                     // its station shortcode
  double watchdog_timeout = 30.0;          // restart the pipeline when no packet for this long; 0 = off
  bool autostart = true;                   // start streaming at launch
  std::string log_level = "info";
  TlsPolicy tls;                           // every TLS connection: verify against the system CAs or ca_file
  std::string timezone;                    // IANA zone for time rules and the schedule; "" = the system's
  std::vector<TimeWindow> schedule;        // stream windows; empty = no schedule (always on)
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
// Environment: LOOPCAST_API_TOKEN, LOOPCAST_WEBHOOK_USER/PASSWORD, LOOPCAST_OUTPUT, LOOPCAST_STREAM_KEY...
void apply_environment(AppConfig& cfg);
// After env, file and flags: substitute {key} in outputs with LOOPCAST_STREAM_KEY (or default to
// YouTube's primary RTMPS ingest when only the key is given) and register every key as a secret.
void resolve_stream_key(AppConfig& cfg);
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
};
std::vector<ConfigKeyInfo> config_keys();
// Every key of the table (JSON names, e.g. "switch_delay"; the flag is "--switch-delay").
std::vector<std::string> config_key_names();

}  // namespace loopcast
