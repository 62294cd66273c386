#include "control/files/command.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "base/json_text.hpp"
#include "base/time_text.hpp"

namespace loopcast {

Result<ControlCommand> parse_control(std::string_view json) {
  auto invalid = [](std::string m) { return Error{std::move(m), Errc::invalid}; };
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json); !st) return st.forward();
  if (!doc.IsObject()) return invalid("a command must be a JSON object");
  ControlCommand c;
  auto cmd = doc.FindMember("command");
  if (cmd == doc.MemberEnd()) return invalid("\"command\" is missing");
  if (!cmd->value.IsString()) return invalid("\"command\" must be a string");
  c.command = cmd->value.GetString();
  if (c.command != "start" && c.command != "stop" && c.command != "restart" && c.command != "switch")
    return invalid(fmt::format("unknown command '{}' (start, stop, restart, switch)", c.command));
  if (auto id = doc.FindMember("id"); id != doc.MemberEnd()) {
    if (id->value.IsString()) c.id = id->value.GetString();
    else if (id->value.IsInt64()) c.id = std::to_string(id->value.GetInt64());
    else return invalid("\"id\" must be a string or an integer");
  }
  if (auto loop = doc.FindMember("loop"); loop != doc.MemberEnd()) {
    if (!loop->value.IsString()) return invalid("\"loop\" must be a string");
    c.loop = loop->value.GetString();
  }
  if (c.command == "switch" && c.loop.empty()) return invalid("\"switch\" needs a \"loop\"");
  return c;
}

CommandAck run_command(Controller& ctl, const ControlCommand& cmd) {
  CommandAck ack;
  ack.id = cmd.id;
  ack.command = cmd.command;
  Status st = cmd.command == "start"     ? ctl.start()
              : cmd.command == "stop"    ? ctl.stop()
              : cmd.command == "restart" ? ctl.restart()
                                         : taken(ctl.switch_loop(cmd.loop));
  ack.result = st ? "ok" : "error: " + st.error();
  ack.at = iso_now();
  return ack;
}

}  // namespace loopcast
