// A dashboard command (control.json or one file of the control.d queue): parsed, then run
// against the Controller, with the acknowledgement that status.json reports.
#pragma once
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

enum class CommandKind { start, stop, restart, switch_loop };
const char* to_string(CommandKind k);  // start | stop | restart | switch: the files' own words

struct ControlCommand {
  CommandKind command = CommandKind::start;
  std::string id;
  std::string loop;  // switch only
};

// {"command": "start"|"stop"|"restart"|"switch", "id": "optional", "loop": "name (switch)"}.
// Errc::invalid with a message naming the problem; unknown extra keys (e.g. "timestamp") are allowed.
Result<ControlCommand> parse_control(std::string_view json);

// Runs the command and returns its acknowledgement (result "ok" or "error: ..."); the caller
// records it. `id` is the command's own id, or what the caller names it by.
CommandAck run_command(Controller& ctl, const ControlCommand& cmd);

}  // namespace loopcast
