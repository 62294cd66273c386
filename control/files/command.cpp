#include "control/files/command.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "base/enum_words.hpp"
#include "base/json_text.hpp"
#include "base/time_text.hpp"

namespace loopcast {
namespace {
constexpr EnumWord<CommandKind> kCommandWords[] = {{CommandKind::start, "start"},
                                                   {CommandKind::stop, "stop"},
                                                   {CommandKind::restart, "restart"},
                                                   {CommandKind::switch_loop, "switch"}};
}  // namespace

const char* to_string(CommandKind k) { return enum_to_word(kCommandWords, k); }

Result<ControlCommand> parse_control(std::string_view json) {
  auto invalid = [](std::string m) { return Error{std::move(m), Errc::invalid}; };
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json); !st) return st.forward();
  if (!doc.IsObject()) return invalid("a command must be a JSON object");
  ControlCommand c;
  auto cmd = doc.FindMember("command");
  if (cmd == doc.MemberEnd()) return invalid("\"command\" is missing");
  if (!cmd->value.IsString()) return invalid("\"command\" must be a string");
  const auto kind = enum_from_word(kCommandWords, cmd->value.GetString());
  if (!kind) return invalid(fmt::format("unknown command '{}' (start, stop, restart, switch)", cmd->value.GetString()));
  c.command = *kind;
  if (auto id = doc.FindMember("id"); id != doc.MemberEnd()) {
    if (id->value.IsString()) c.id = id->value.GetString();
    else if (id->value.IsInt64()) c.id = std::to_string(id->value.GetInt64());
    else return invalid("\"id\" must be a string or an integer");
  }
  if (auto loop = doc.FindMember("loop"); loop != doc.MemberEnd()) {
    if (!loop->value.IsString()) return invalid("\"loop\" must be a string");
    c.loop = loop->value.GetString();
  }
  if (c.command == CommandKind::switch_loop && c.loop.empty()) return invalid("\"switch\" needs a \"loop\"");
  return c;
}

CommandAck run_command(Controller& ctl, const ControlCommand& cmd) {
  CommandAck ack;
  ack.id = cmd.id;
  ack.command = to_string(cmd.command);
  Status st;
  switch (cmd.command) {
    case CommandKind::start: st = ctl.start(); break;
    case CommandKind::stop: st = ctl.stop(); break;
    case CommandKind::restart: st = ctl.restart(); break;
    case CommandKind::switch_loop: st = taken(ctl.switch_loop(cmd.loop)); break;
  }
  ack.result = st ? "ok" : "error: " + st.error();
  ack.at = iso_now();
  return ack;
}

}  // namespace loopcast
