// What a song asks of the picture: the mapping's loop for it (time rules holding when it is heard),
// the cover-art scene composed where the rule or --background says so, the live loop while a DJ
// is on air (--live-loop; the mapping resumes after), and when the change is due.
// Owns the mapping and the song on air; decides, and leaves acting (queueing the switch) to the
// supervisor. Internally locked.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/thread_annotations.hpp"
#include "control/config/config.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/mapping/track_map.hpp"

namespace loopcast {

struct SwitchRequest {
  LoopRef loop;
  TrackInfo track;
  double delay = 0;  // seconds from now
};

class SongSwitches {
 public:
  explicit SongSwitches(const AppConfig& cfg);

  // A new song's switch; none for a repeat of the song on air (AzuraCast posts every cycle).
  std::optional<SwitchRequest> song(const TrackInfo& track) EXCLUDES(mu_);
  // A manual request for a loop by name (in the loops directory, with or without extension).
  Result<SwitchRequest> loop_by_name(const std::string& name) const;
  // The loop the mapping asks for at `at` for the song on air (a time rule's edge).
  LoopRef loop_at(SysSeconds at) const EXCLUDES(mu_);
  // The loop a stream starts on: a time rule holding at `now` (a night start begins on the night
  // loop), else the default loop.
  LoopRef first_loop(SysSeconds now) const EXCLUDES(mu_);

  // Reads the mapping file again; the old mapping stays when the new one is refused.
  Result<std::shared_ptr<const TrackMap>> reload(const TimeZone& zone) EXCLUDES(mu_);
  std::shared_ptr<const TrackMap> map() const EXCLUDES(mu_);
  TrackInfo track() const EXCLUDES(mu_);
  uint64_t changes() const EXCLUDES(mu_);  // new songs accepted (repeats are not counted)

 private:
  LoopRef scene_for(LoopRef loop, const TrackInfo& track) const;
  LoopRef live_for(const TrackInfo& track) const;  // --live-loop while a DJ is live

  const LoopRef default_;  // the configured loop, parsed once
  const std::string live_loop_;  // --live-loop resolved to its file, or "@live"; "" = off
  const std::string loops_dir_, mapping_file_;
  const bool art_background_;  // --background art: the default loop is the song's cover scene
  const double switch_delay_;
  mutable Mutex mu_;
  std::shared_ptr<const TrackMap> map_ GUARDED_BY(mu_);
  TrackInfo track_ GUARDED_BY(mu_);
  uint64_t changes_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
