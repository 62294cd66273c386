// The control.d queue: no command lost, none run twice, garbage and half-written files never run.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "control/files/file_protocol.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
// As a dashboard writes a queued command: temp file, then rename into place.
void enqueue(const std::string& qdir, const std::string& name, const std::string& content) {
  const std::string tmp = qdir + "/." + name + ".tmp";
  std::ofstream(tmp, std::ios::trunc) << content;
  fs::rename(tmp, qdir + "/" + name);
}

size_t queued_files(const std::string& qdir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(qdir))
    if (e.path().extension() == ".json" && e.path().filename().string().front() != '.') ++n;
  return n;
}

void set_mtime(const std::string& path, int64_t seconds_from_now) {
  struct timespec ts[2];
  clock_gettime(CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec += seconds_from_now;
  ts[1] = ts[0];
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), ts, 0) == 0);
}

rapidjson::Document status_doc(const std::string& dir) {
  rapidjson::Document d;
  d.Parse(read_text(dir + "/status.json").c_str());
  return d;
}
}  // namespace

TEST_CASE("control.d: 50 commands written within 100 ms all run, in name order, none twice") {
  const std::string dir = make_temp_dir("loopcast-q");
  FakeController ctl;
  FileProtocol fp(ctl, dir, 0.05);  // the real polling thread, polling fast
  REQUIRE(fp.start());
  const std::string q = dir + "/control.d";
  REQUIRE(fs::is_directory(q));
  std::vector<std::string> expected;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    const std::string name = fmt::format("{:04d}-click.json", i);
    enqueue(q, name, fmt::format(R"({{"command":"switch","loop":"l{}","id":"c{}"}})", i, i));
    expected.push_back(fmt::format("switch:l{}", i));
  }
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100));
  REQUIRE(wait_for([&] { return queued_files(q) == 0 && ctl.calls_copy().size() >= 50; }, 10));
  // A few more polls: nothing runs again.
  const size_t acks_before = fp.commands().count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  fp.stop();
  CHECK(ctl.calls_copy() == expected);
  CHECK(fp.commands().count() == acks_before);
  fp.poll_once();
  auto doc = status_doc(dir);
  REQUIRE(doc.IsObject());
  REQUIRE(doc["commands"].IsArray());
  REQUIRE(doc["commands"].Size() == kCommandHistory);
  CHECK(std::string(doc["commands"][0]["id"].GetString()) == "c30");  // the last 20, oldest first
  CHECK(std::string(doc["commands"][19]["id"].GetString()) == "c49");
  CHECK(std::string(doc["commands"][19]["command"].GetString()) == "switch");
  CHECK(std::string(doc["commands"][19]["result"].GetString()) == "ok");
  CHECK(std::string(doc["last_command"]["id"].GetString()) == "c49");
  fs::remove_all(dir);
}

TEST_CASE("control.d: garbage is acknowledged as an error and never run, and temp files are never read") {
  const std::string dir = make_temp_dir("loopcast-q");
  FakeController ctl;
  FileProtocol fp(ctl, dir, 3600);  // the test drives poll_once()
  REQUIRE(fp.start());
  const std::string q = dir + "/control.d";
  enqueue(q, "1-garbage.json", "{\"command\": \"sto");
  enqueue(q, "2-unknown.json", R"({"command":"explode"})");
  enqueue(q, "3-ok.json", R"({"command":"restart"})");
  std::ofstream(q + "/4-half.json.tmp") << R"({"command":"stop")";  // a writer mid-write
  std::ofstream(q + "/.5-hidden.json") << R"({"command":"stop"})";
  fp.poll_once();  // not JSON: maybe mid-write, so it and everything after it waits one poll
  CHECK(fp.commands().count() == 0);
  CHECK(ctl.calls_copy().empty());
  fp.poll_once();  // now judged: an error; then the rest in name order
  fp.poll_once();
  CHECK(ctl.calls_copy() == std::vector<std::string>{"restart"});
  REQUIRE(fp.commands().count() == 3);
  CHECK(fp.commands().recent()[0].id == "1-garbage");
  CHECK(fp.commands().recent()[0].result.rfind("error: invalid JSON", 0) == 0);
  CHECK(fp.commands().recent()[1].id == "2-unknown");
  CHECK(fp.commands().recent()[1].result.find("unknown command 'explode'") != std::string::npos);
  CHECK(fp.commands().recent()[2].id == "3-ok");
  CHECK(fp.commands().recent()[2].result == "ok");
  CHECK(queued_files(q) == 0);
  CHECK(fs::exists(q + "/4-half.json.tmp"));  // never read, never removed
  CHECK(fs::exists(q + "/.5-hidden.json"));
  // The writer finishes: now it is a command.
  fs::rename(q + "/4-half.json.tmp", q + "/4-half.json");
  std::ofstream(q + "/4-half.json", std::ios::trunc) << R"({"command":"stop","id":"s"})";
  fp.poll_once();
  CHECK(ctl.calls_copy() == std::vector<std::string>{"restart", "stop"});
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("control.d at start-up: a file newer than the last acknowledged one runs once, an older one never") {
  const std::string dir = make_temp_dir("loopcast-q");
  const std::string q = dir + "/control.d";
  {
    FakeController ctl;
    FileProtocol fp(ctl, dir, 3600);
    REQUIRE(fp.start());
    enqueue(q, "100-first.json", R"({"command":"restart","id":"first"})");
    fp.poll_once();
    REQUIRE(ctl.calls_copy() == std::vector<std::string>{"restart"});
    fp.stop();
  }
  REQUIRE(fs::exists(q + "/.last-acked"));
  // While loopcast is down: a leftover older than the last ack (as a crash between running a
  // command and removing it leaves) and a click queued after it.
  enqueue(q, "050-leftover.json", R"({"command":"stop","id":"old"})");
  set_mtime(q + "/050-leftover.json", -3600);
  enqueue(q, "200-new.json", R"({"command":"switch","loop":"b","id":"new"})");
  set_mtime(q + "/200-new.json", +1);
  FakeController ctl;
  FileProtocol fp(ctl, dir, 3600);
  REQUIRE(fp.start());
  fp.poll_once();
  fp.poll_once();
  CHECK(ctl.calls_copy() == std::vector<std::string>{"switch:b"});
  REQUIRE(fp.commands().count() == 2);
  CHECK(fp.commands().recent()[0].id == "050-leftover");
  CHECK(fp.commands().recent()[0].result.find("older than the last acknowledged command") != std::string::npos);
  CHECK(fp.commands().recent()[1].id == "new");
  CHECK(queued_files(q) == 0);
  fp.stop();
  fs::remove_all(dir);
}
