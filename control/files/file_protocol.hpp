// The shared-file protocol of existing dashboards, served from the same state as the HTTP API.
//
//   DIR/status.json   rewritten every second, atomically (temp file + rename): the same document
//                     as GET /api/v1/status (state, running, pid, uptime, started_at, track, loop,
//                     outputs, audio, last_error, last_command{id, command, result, at}, ...).
//   DIR/control.json  written by the dashboard, polled every second:
//                     {"command": "start" | "stop" | "restart" | "switch",
//                      "id": "optional unique id", "loop": "name (switch only)",
//                      "timestamp": optional, any value}
//                     Each command runs once: a new id (or, without id, new content — e.g. a
//                     changed "timestamp" field) is a new command. The result appears in status.json's last_command.
//                     Invalid content is acknowledged as "error: ..." and never executed; a file
//                     that fails to parse is re-read once before being reported (the dashboard
//                     may be in the middle of writing it). The file is never deleted. A command
//                     already in the file when loopcast starts is not executed.
//   DIR/control.d/    a queue of commands, one per file, none ever lost (control/files/command_queue.hpp).
#pragma once
#include <atomic>
#include <condition_variable>
#include <string>
#include <string_view>
#include <thread>

#include "control/files/command.hpp"
#include "control/files/command_log.hpp"
#include "control/files/command_queue.hpp"
#include "control/status/stream_part.hpp"
#include "control/stream/controller.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

// status.json is the controller's status with this part's own section (files health, command
// acknowledgements) written into it.
class FileProtocol final : public StreamPart {
 public:
  FileProtocol(Controller& ctl, std::string dir, double period_s = 1.0);
  ~FileProtocol() override;
  Status start();  // creates DIR if needed; fails when it cannot be written
  void stop();
  void poll_once();  // one status write + one control read (tests, final status at shutdown)
  const CommandLog& commands() const { return acks_; }

  void into(StatusSnapshot& s) const override EXCLUDES(health_mu_);
  void close() override;  // a last status (the stream has stopped), then stop
  Closes closes() const override { return Closes::after_pipeline; }

 private:
  void run();
  void check_control(bool execute) REQUIRES(poll_mu_);  // execute=false: only remember what is there
  void write_status() REQUIRES(poll_mu_);
  StatusSnapshot snapshot() const;  // the controller's status with this part's section

  Controller& ctl_;
  const std::string dir_;
  const double period_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  Mutex mu_;  // with cv_: wakes the thread for stop()
  Mutex poll_mu_;  // the thread and a final poll at shutdown may overlap
  std::condition_variable cv_;
  std::string last_signature_ GUARDED_BY(poll_mu_);  // of the last command executed or reported
  std::string unparsable_ GUARDED_BY(poll_mu_);  // content that failed to parse once (retried before reporting)
  CommandLog acks_;  // internally locked
  CommandQueue queue_ GUARDED_BY(poll_mu_);  // DIR/control.d
  // Its own lock: into() is called while this protocol writes status.json (poll_mu_ held).
  mutable Mutex health_mu_;
  FilesHealth health_ GUARDED_BY(health_mu_);
};

}  // namespace loopcast
