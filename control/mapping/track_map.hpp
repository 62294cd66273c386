// Track → loop rules: which background video goes with which song.
//
// Mapping file (JSON):
//   {
//     "default": "sunset.mp4",          // when nothing matches (default: the configured loop)
//     "custom_field": "loop",           // AzuraCast song.custom_fields key naming a loop directly
//     "rules": [                        // first match wins; all keys of a rule must match
//       {"song_id": "9f33bbc912c19603e51be8e0987d076b", "loop": "special.mp4"},
//       {"artist": "Daft Punk", "loop": "disco.mp4"},
//       {"artist": "Daft Punk", "title": "One More Time", "loop": "omt.mp4"},
//       {"text": "Artist - Title", "loop": "x.mp4"},
//       {"playlist": "Night", "loop": "night.mp4"},
//       {"days": ["fri"], "from": "20:00", "to": "23:00", "loop": "show.mp4"}
//     ]
//   }
// song_id matches exactly; artist/title/text/playlist case-insensitively, trimmed. A custom field
// on the track beats the rules. Loop names are files in the loops directory (or absolute paths).
// Time keys (days, from, to, dates: see time_window.hpp) hold in the map's zone, alone or with
// song keys. Unknown keys and rules without a condition are refused, naming the rule.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "control/time/time_window.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/mapping/track.hpp"
#include "base/redact.hpp"
#include "base/result.hpp"
#include "base/url.hpp"

namespace loopcast {

class TrackMap {
 public:
  static Result<TrackMap> parse(const std::string& json, const std::string& loops_dir, const TimeZone& zone = {});
  static Result<TrackMap> load(const std::string& path, const std::string& loops_dir, const TimeZone& zone = {});
  // No rules: every track maps to `default_loop_path`, unless its custom field names a loop
  // in `loops_dir`.
  static TrackMap with_default(std::string default_loop_path, std::string loops_dir = {});

  // Full path of the loop for this track at instant `at` (time rules hold at that instant).
  std::string resolve(const TrackInfo& track, SysSeconds at) const;
  std::string resolve(const TrackInfo& track) const;  // now
  // The loop of the first rule that holds (no custom field, no default); nullopt when none does.
  std::optional<std::string> rule_loop(const TrackInfo& track, SysSeconds at) const;
  // The first instant after `t` where a time rule starts or stops holding; nullopt when none.
  std::optional<SysSeconds> next_edge(SysSeconds t, std::chrono::days horizon = std::chrono::days(400)) const;
  const TimeZone& zone() const { return zone_; }
  // Loops the map names that do not exist on disk (warned about at load; refused at switch).
  std::vector<std::string> missing_loops() const;
  // Every loop the map names (the default first), full paths: what splice mode prepares.
  std::vector<std::string> loops() const;
  // The map's "default" (full path; "" when it names none): the first loop when no --loop is given.
  const std::string& default_loop() const { return default_; }
  size_t rule_count() const { return rules_.size(); }

 private:
  struct Rule {
    std::string song_id, artist, title, text, playlist;  // match keys (lower-cased, trimmed)
    std::optional<TimeWindow> window;                    // time condition, if any
    std::string loop;                                    // full path
  };
  static Result<Rule> parse_rule(const rapidjson::Value& r, size_t index, const TrackMap& m);
  std::string path_of(const std::string& name) const;

  std::string loops_dir_;
  std::string default_;
  std::string custom_field_ = "loop";
  TimeZone zone_;
  std::vector<Rule> rules_;
};

// A loop by name in `loops_dir`: exact file name, or the name plus .mp4/.mkv/.mov/.webm.
// Errc::invalid for names with '/' or "..", Errc::not_found when no such file exists.
Result<std::string> resolve_loop_name(const std::string& loops_dir, const std::string& name);

}  // namespace loopcast
