#include "control/files/file_protocol.hpp"

#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <functional>

#include "base/atomic_file.hpp"
#include "control/status/status_json.hpp"
#include "base/time_text.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
constexpr size_t kMaxControl = 64 * 1024;

}  // namespace

FileProtocol::FileProtocol(Controller& ctl, std::string dir, double period_s)
    : ctl_(ctl), dir_(std::move(dir)), period_(period_s), queue_(ctl, acks_, dir_ + "/control.d") {}

FileProtocol::~FileProtocol() { stop(); }

Status FileProtocol::start() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error{fmt::format("control dir '{}': {}", dir_, ec.message()), Errc::unavailable};
  if (Status st = write_file_atomic(dir_ + "/status.json", status_to_json(snapshot())); !st)
    return Error{fmt::format("control dir '{}': {}", dir_, st.error()), st.code()};
  // A command left over from before this process started is history, not an order: a stale
  // "stop" must not take the stream down after a container restart.
  {
    MutexLock lk(poll_mu_);  // uncontended (no thread yet); keeps the analysis simple
    check_control(false);
    if (Status st = queue_.open(); !st) return st;
  }
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void FileProtocol::stop() {
  {
    MutexLock lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FileProtocol::close() {
  poll_once();
  stop();
}

void FileProtocol::into(StatusSnapshot& s) const {
  {
    MutexLock lk(health_mu_);
    s.files = health_;
  }
  acks_.into(s);
}

StatusSnapshot FileProtocol::snapshot() const {
  StatusSnapshot s = ctl_.status();
  into(s);
  return s;
}

void FileProtocol::run() {
  while (true) {
    {
      MutexLock lk(mu_);
      if (cv_.wait_for(lk.native(), std::chrono::duration<double>(period_), [&] { return stop_.load(); })) break;
    }
    poll_once();
  }
}

void FileProtocol::poll_once() {
  MutexLock lk(poll_mu_);  // the thread and a final poll at shutdown may overlap
  check_control(true);
  queue_.poll();
  write_status();
}

// A full or read-only volume must not stop the stream nor flood the log: the failure is logged
// once, shown in the API's status and metrics, and writing resumes by itself. write_file_atomic
// never leaves a partial file in place of the last good one.
void FileProtocol::write_status() {
  Status st = write_file_atomic(dir_ + "/status.json", status_to_json(snapshot()));
  MutexLock lk(health_mu_);
  if (st && health_.write_error.empty()) return;
  if (!st && st.error() != health_.write_error) log::warn("files", "{} (the stream goes on; retrying every period)", st.error());
  if (st) log::info("files", "status.json is written again");
  health_.write_error = st ? "" : st.error();
  if (!st) ++health_.write_failures;
}

void FileProtocol::check_control(bool execute) {
  const std::string path = dir_ + "/control.json";
  auto content = read_file(path, kMaxControl);
  if (!content && content.code() == Errc::not_found) return;
  // Same command as last time (by id, or else by content): already done. Not by mtime: it
  // changes on rewrites of identical content and filesystems report it coarsely.
  const std::string text = content ? *content : content.error();
  const std::string signature = fmt::format("{}:{}", text.size(), std::hash<std::string>{}(text));
  auto parsed = content ? parse_control(*content) : Result<ControlCommand>(content.forward());
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
  if (!parsed) {
    CommandAck ack;
    ack.at = iso_now();
    ack.command = "invalid";
    ack.result = "error: " + parsed.error();
    log::warn("files", "control.json ignored: {}", parsed.error());
    acks_.add(ack);
    return;
  }
  CommandAck ack = run_command(ctl_, *parsed);
  log::info("files", "control.json: {}{} → {}", to_string(parsed->command), parsed->id.empty() ? "" : " (" + parsed->id + ")", ack.result);
  acks_.add(ack);
}

}  // namespace loopcast
