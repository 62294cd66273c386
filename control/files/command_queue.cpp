#include "control/files/command_queue.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "base/log.hpp"
#include "base/atomic_file.hpp"
#include "control/files/command.hpp"
#include "base/json_text.hpp"
#include "base/time_text.hpp"

namespace loopcast {
namespace fs = std::filesystem;
namespace {
constexpr size_t kMaxCommand = 64 * 1024;
constexpr const char* kMarker = ".last-acked";

int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool queue_name(const std::string& name) {
  return name.size() > 5 && name.front() != '.' && name.compare(name.size() - 5, 5, ".json") == 0;
}
}  // namespace

CommandQueue::CommandQueue(Controller& ctl, CommandLog& acks, std::string dir) : ctl_(ctl), acks_(acks), dir_(std::move(dir)) {}

Status CommandQueue::open() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error{fmt::format("control queue '{}': {}", dir_, ec.message()), Errc::unavailable};
  auto marker = read_file(dir_ + "/" + kMarker, 4096);
  if (!marker) return Status::ok();  // first run: every queued file is new
  rapidjson::Document doc;
  if (parse_json(doc, *marker) && doc.IsObject() && doc.HasMember("name") && doc["name"].IsString() && doc.HasMember("mtime_ns") &&
      doc["mtime_ns"].IsInt64())
    last_acked_ = Entry{doc["name"].GetString(), doc["mtime_ns"].GetInt64()};
  else
    log::warn("files", "control.d/{} is unreadable; queued commands are treated as new", kMarker);
  return Status::ok();
}

void CommandQueue::poll() {
  std::vector<Entry> entries;
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(dir_, ec)) {
    const std::string name = de.path().filename().string();
    if (!queue_name(name) || !de.is_regular_file(ec)) continue;
    entries.push_back(Entry{name, mtime_ns(de.path().string())});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  for (auto it = seen_.begin(); it != seen_.end();)  // forget names whose files are gone
    it = std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == *it; }) ? std::next(it) : seen_.erase(it);
  const bool startup = std::exchange(startup_, false);
  for (const Entry& e : entries) {
    if (seen_.count(e.name)) continue;
    if (startup && !(last_acked_ < e)) {
      seen_.insert(e.name);
      ack_error(e, "skipped", "older than the last acknowledged command (left over from before a restart), not run");
      continue;
    }
    if (!handle(e)) break;  // name order: nothing overtakes a file that is still being written
  }
}

bool CommandQueue::handle(const Entry& e) {
  const std::string path = dir_ + "/" + e.name;
  auto content = read_file(path, kMaxCommand);
  if (!content && content.code() == Errc::not_found) return true;  // removed by someone else meanwhile
  auto cmd = content ? parse_control(*content) : Result<ControlCommand>(content.forward());
  if (!cmd) {
    const std::string key = fmt::format("{}:{}:{}", e.name, content ? content->size() : 0, e.mtime_ns);
    rapidjson::Document doc;
    const bool torn = content && !parse_json(doc, *content);  // not even JSON: maybe mid-write
    if (torn && unparsable_.insert(key).second) return false;  // one more poll before judging
    unparsable_.erase(key);
    ack_error(e, "invalid", cmd.error());
    return true;
  }
  if (cmd->id.empty()) cmd->id = e.name.substr(0, e.name.size() - 5);
  save_marker(e);  // before running: across a crash, at most once
  CommandAck ack = run_command(ctl_, *cmd);
  log::info("files", "control.d/{}: {} → {}", e.name, to_string(cmd->command), ack.result);
  acks_.add(ack);
  seen_.insert(e.name);
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) log::warn("files", "control.d/{}: cannot remove ({}); it will not run again", e.name, ec.message());
  return true;
}

void CommandQueue::ack_error(const Entry& e, const std::string& command, const std::string& why) {
  CommandAck ack;
  ack.id = e.name.substr(0, e.name.size() - 5);
  ack.command = command;
  ack.result = "error: " + why;
  ack.at = iso_now();
  log::warn("files", "control.d/{}: {}", e.name, why);
  acks_.add(ack);
  save_marker(e);
  seen_.insert(e.name);
  std::error_code ec;
  fs::remove(dir_ + "/" + e.name, ec);
}

void CommandQueue::save_marker(const Entry& e) {
  if (last_acked_ < e) last_acked_ = e;
  const std::string doc = fmt::format("{{\"name\":{},\"mtime_ns\":{},\"at\":\"{}\"}}\n", json_quote(last_acked_.name), last_acked_.mtime_ns, iso_now());
  if (Status st = write_file_atomic(dir_ + "/" + kMarker, doc); !st) log::warn("files", "control.d: {}", st.error());
}

}  // namespace loopcast
