// The control.d queue: DIR/control.d/*.json, one command per file (written by the dashboard with
// temp + rename), run in name order, each exactly once, acknowledged in status.json → commands,
// then removed. It fixes control.json's one weakness: two clicks within one poll no longer
// overwrite each other.
//
// Only names ending in ".json" and not starting with "." are read, so a writer's temp file
// ("x.json.tmp", ".x.json") is never seen half-written. A file that does not parse is read once
// more on the next poll (a writer that skipped temp + rename may still be writing it; later files
// wait, to keep name order), then acknowledged as an error, never run, and removed. Valid JSON
// that is not a valid command is acknowledged as an error at once.
//
// Start-up: a file already there runs only when it is newer (mtime, then name) than the last
// command this queue acknowledged, which is remembered in DIR/control.d/.last-acked. Such a file
// was queued while loopcast was down (a click during a restart must not be lost); an older one
// can only be left over from a crash between running it and removing it, so running it again
// would break "exactly once". The marker is written before the command runs: across a crash a
// command runs at most once, never twice (a doubled "restart" or "stop" is worse than a lost one).
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "control/files/command_log.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

class CommandQueue {
 public:
  CommandQueue(Controller& ctl, CommandLog& acks, std::string dir);
  Status open();  // creates the directory, reads the marker
  void poll();    // runs every command that is due, in name order

 private:
  struct Entry {
    std::string name;
    int64_t mtime_ns = 0;
    bool operator<(const Entry& o) const { return std::tie(mtime_ns, name) < std::tie(o.mtime_ns, o.name); }
  };
  bool handle(const Entry& e);  // false: not judged yet (maybe mid-write), stop this poll
  void ack_error(const Entry& e, const std::string& command, const std::string& why);
  void save_marker(const Entry& e);

  Controller& ctl_;
  CommandLog& acks_;
  const std::string dir_;
  Entry last_acked_;                  // from the marker; files at start-up older than this are leftovers
  bool startup_ = true;               // the first poll applies the start-up rule
  std::set<std::string> seen_;        // names handled but not removable (read-only dir): never twice
  std::set<std::string> unparsable_;  // name:size:mtime read once without parsing (maybe mid-write)
};

}  // namespace loopcast
