#include "control/file_protocol.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <ctime>
#include <filesystem>
#include <functional>

#include "control/atomic_file.hpp"
#include "control/json_text.hpp"
#include "control/status_json.hpp"
#include "control/time_text.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
constexpr size_t kMaxControl = 64 * 1024;

}  // namespace

Result<ControlCommand> parse_control(std::string_view json) {
  auto invalid = [](std::string m) { return Error{std::move(m), Errc::invalid}; };
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json); !st) return Error{st.error(), st.code()};
  if (!doc.IsObject()) return invalid("control.json must be a JSON object");
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

FileProtocol::FileProtocol(Controller& ctl, std::string dir, double period_s) : ctl_(ctl), dir_(std::move(dir)), period_(period_s) {}

FileProtocol::~FileProtocol() { stop(); }

Status FileProtocol::start() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error{fmt::format("control dir '{}': {}", dir_, ec.message()), Errc::unavailable};
  if (Status st = write_file_atomic(dir_ + "/status.json", status_to_json(ctl_.status())); !st)
    return Error{fmt::format("control dir '{}': {}", dir_, st.error()), st.code()};
  // A command left over from before this process started is history, not an order: a stale
  // "stop" must not take the stream down after a container restart.
  check_control(false);
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void FileProtocol::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FileProtocol::run() {
  while (true) {
    {
      std::unique_lock lk(mu_);
      if (cv_.wait_for(lk, std::chrono::duration<double>(period_), [&] { return stop_.load(); })) break;
    }
    poll_once();
  }
}

void FileProtocol::poll_once() {
  std::lock_guard lk(poll_mu_);  // the thread and a final poll at shutdown may overlap
  check_control(true);
  Status st = write_file_atomic(dir_ + "/status.json", status_to_json(ctl_.status()));
  if (!st && st.error() != last_write_error_) log::warn("files", "{}", st.error());  // once per distinct error
  last_write_error_ = st ? "" : st.error();
}

void FileProtocol::check_control(bool execute) {
  const std::string path = dir_ + "/control.json";
  auto content = read_file(path, kMaxControl);
  if (!content && content.code() == Errc::not_found) return;
  // Same command as last time (by id, or else by content): already done. Not by mtime: it
  // changes on rewrites of identical content and filesystems report it coarsely.
  const std::string text = content ? *content : content.error();
  const std::string signature = fmt::format("{}:{}", text.size(), std::hash<std::string>{}(text));
  auto parsed = content ? parse_control(*content) : Result<ControlCommand>(Error{content.error(), content.code()});
  if (parsed && !parsed->id.empty()) {
    if (("id:" + parsed->id) == last_signature_) return;
  } else if (signature == last_signature_) {
    return;
  }
  if (!parsed && content && unparsable_ != signature && execute) {
    unparsable_ = signature;  // maybe caught mid-write: give the dashboard one more period
    return;
  }
  unparsable_.clear();
  last_signature_ = parsed && !parsed->id.empty() ? "id:" + parsed->id : signature;
  if (!execute) return;
  CommandAck ack;
  ack.at = iso_now();
  if (!parsed) {
    ack.command = "invalid";
    ack.result = "error: " + parsed.error();
    log::warn("files", "control.json ignored: {}", parsed.error());
    ctl_.record_command(ack);
    return;
  }
  ack.id = parsed->id;
  ack.command = parsed->command;
  Status st = parsed->command == "start"     ? ctl_.start()
              : parsed->command == "stop"    ? ctl_.stop()
              : parsed->command == "restart" ? ctl_.restart()
                                             : ctl_.switch_loop(parsed->loop);
  ack.result = st ? "ok" : "error: " + st.error();
  log::info("files", "control.json: {}{} → {}", parsed->command, parsed->id.empty() ? "" : " (" + parsed->id + ")", ack.result);
  ctl_.record_command(ack);
}

}  // namespace loopcast
