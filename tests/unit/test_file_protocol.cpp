#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "base/atomic_file.hpp"
#include "control/files/file_protocol.hpp"
#include "control/status/status_json.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
void write(const std::string& path, const std::string& content) {
  // Written as a dashboard would: plain overwrite, then a later mtime for the next command.
  std::ofstream(path, std::ios::trunc) << content;
}

rapidjson::Document status_doc(const std::string& dir) {
  rapidjson::Document d;
  d.Parse(read_text(dir + "/status.json").c_str());
  return d;
}
}  // namespace

TEST_CASE("control.json commands run exactly once and are acknowledged in status.json") {
  const std::string dir = make_temp_dir("loopcast-fp");
  FakeController ctl;
  ctl.snapshot.state = StreamState::running;
  FileProtocol fp(ctl, dir, 3600);  // no background polling: the test drives poll_once()
  REQUIRE(fp.start());

  write(dir + "/control.json", R"({"command":"restart","id":"cmd-1"})");
  fp.poll_once();
  fp.poll_once();
  fp.poll_once();
  CHECK(ctl.calls_copy() == std::vector<std::string>{"restart"});
  auto doc = status_doc(dir);
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["last_command"]["id"].GetString()) == "cmd-1");
  CHECK(std::string(doc["last_command"]["command"].GetString()) == "restart");
  CHECK(std::string(doc["last_command"]["result"].GetString()) == "ok");
  CHECK(doc["running"].GetBool());

  write(dir + "/control.json", R"({"command":"switch","loop":"b","id":"cmd-2"})");
  fp.poll_once();
  write(dir + "/control.json", R"({"command":"stop","id":"cmd-3"})");
  ctl.next = Error{"not running", Errc::conflict};
  fp.poll_once();
  CHECK(ctl.calls_copy() == std::vector<std::string>{"restart", "switch:b", "stop"});
  CHECK(std::string(status_doc(dir)["last_command"]["result"].GetString()) == "error: not running");
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("without an id, new content is a new command — the same content is not") {
  const std::string dir = make_temp_dir("loopcast-fp");
  FakeController ctl;
  FileProtocol fp(ctl, dir, 3600);
  REQUIRE(fp.start());
  write(dir + "/control.json", R"({"command":"start"})");
  fp.poll_once();
  fp.poll_once();
  write(dir + "/control.json", R"({"command":"stop"})");
  fp.poll_once();
  fp.poll_once();
  CHECK(ctl.calls_copy() == std::vector<std::string>{"start", "stop"});
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("a command already in control.json at start-up is history, not an order") {
  const std::string dir = make_temp_dir("loopcast-fp");
  write(dir + "/control.json", R"({"command":"stop","id":"yesterday"})");
  FakeController ctl;
  FileProtocol fp(ctl, dir, 3600);
  REQUIRE(fp.start());
  fp.poll_once();
  CHECK(ctl.calls_copy().empty());
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("garbage control files are reported once and never executed") {
  const std::string dir = make_temp_dir("loopcast-fp");
  FakeController ctl;
  FileProtocol fp(ctl, dir, 3600);
  REQUIRE(fp.start());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{", "invalid JSON"},
      {"[]", "object"},
      {R"({"command":42})", "must be a string"},
      {R"({"command":"explode"})", "unknown command 'explode'"},
      {R"({"command":"switch"})", "needs a \"loop\""},
      {R"({"id":"x"})", "missing"},
      {std::string(70000, ' '), "larger than"},
  };
  int n = 0;
  for (const auto& [content, why] : bad) {
    CAPTURE(why);
    write(dir + "/control.json", content + std::string(n++, ' '));  // distinct content every time
    fp.poll_once();  // first sight of an unparsable file: maybe mid-write, wait
    fp.poll_once();  // unchanged: now it is reported
    fp.poll_once();  // and only once
    REQUIRE(fp.commands().count() > 0);
    CHECK(fp.commands().recent().back().result.find(why) != std::string::npos);
  }
  CHECK(fp.commands().count() == bad.size());
  CHECK(ctl.calls_copy().empty());
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("1000 random control files: no crash, nothing executed that was not valid") {
  const std::string dir = make_temp_dir("loopcast-fp");
  FakeController ctl;
  FileProtocol fp(ctl, dir, 3600);
  REQUIRE(fp.start());
  std::mt19937 rng(1234);
  const std::string alphabet = "{}[]\":,0123456789abcdefghijklmnopqrstuvwxyz \n\\\x01\xff";
  const std::vector<std::string> pieces = {R"({"command":)", R"("start")", R"("stop")", "\"id\":", "\"loop\":", "}", ",", "null", "[", "\"\\u0000\""};
  int valid = 0, executed = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string s;
    const int len = std::uniform_int_distribution<int>(0, 60)(rng);
    for (int k = 0; k < len; ++k)
      s += (rng() % 3 == 0) ? pieces[rng() % pieces.size()] : std::string(1, alphabet[rng() % alphabet.size()]);
    // A few well-formed commands among the noise, so that "nothing executed" cannot pass by accident.
    if (i % 10 == 0) s = R"({"command":"switch","loop":"l)" + std::to_string(i) + R"("})";
    const size_t before = ctl.calls_copy().size();
    write(dir + "/control.json", s);
    fp.poll_once();
    fp.poll_once();
    const auto calls = ctl.calls_copy();
    auto parsed = parse_control(s);
    CAPTURE(s);
    if (!parsed) {
      CHECK(calls.size() == before);  // invalid content never runs anything
      continue;
    }
    ++valid;
    REQUIRE(calls.size() <= before + 1);  // once at most, however often it is polled
    if (calls.size() == before) continue;  // same command as the previous file (by id or content)
    ++executed;
    const std::string want = parsed->command == CommandKind::switch_loop ? "switch:" + parsed->loop : to_string(parsed->command);
    CHECK(calls.back() == want);  // exactly the command the file holds
  }
  CHECK(valid >= 100);
  CHECK(executed >= 100);  // the seeded switches all ran: each has new content
  CHECK(status_doc(dir).IsObject());
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("status.json is replaced atomically: a concurrent reader never sees a partial file") {
  const std::string dir = make_temp_dir("loopcast-fp");
  FakeController ctl;
  ctl.snapshot.track.title = std::string(20000, 'x');  // a big document makes torn writes likely
  FileProtocol fp(ctl, dir, 3600);
  REQUIRE(fp.start());
  std::atomic<bool> done{false};
  std::thread writer([&] {
    while (!done) fp.poll_once();
  });
  int parsed = 0;
  for (int i = 0; i < 2000; ++i) {
    auto text = read_file(dir + "/status.json", 1 << 20);
    REQUIRE(text);
    rapidjson::Document d;
    d.Parse(text->c_str());
    CHECK_FALSE(d.HasParseError());
    parsed += d.IsObject();
  }
  done = true;
  writer.join();
  CHECK(parsed == 2000);
  // No temp files left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().filename().string().find(".tmp.") != std::string::npos;
  CHECK(files == 0);
  fp.stop();
  fs::remove_all(dir);
}

TEST_CASE("an unwritable control directory is a clear error at start") {
  FakeController ctl;
  FileProtocol fp(ctl, "/proc/loopcast-cannot-exist", 1);
  Status st = fp.start();
  REQUIRE_FALSE(st);
  CHECK(st.error().find("/proc/loopcast-cannot-exist") != std::string::npos);
  CHECK(write_file_atomic("/nonexistent-dir/status.json", "{}").error().find("status.json") != std::string::npos);
}

TEST_CASE("status.json: the AzuraCast feed is one more key, 'trigger', after all the others") {
  StatusSnapshot s;
  const std::string off = status_to_json(s);
  const std::string tail =
      R"(,"trigger":{"source":"","url":"","station":"","state":"off","last_update":"","last_error":"","updates":0,"reconnects":0}})";
  REQUIRE(off.size() > tail.size());
  CHECK(off.substr(off.size() - tail.size()) == tail);  // appended: every key before it is as it was
  CHECK(off.find(R"("trigger")") == off.size() - tail.size() + 1);  // and only there
  s.trigger = TriggerStatus{"azuracast", "https://radio.example", "loopcast_fm", TriggerState::polling, "2026-11-26T04:00:00Z",
                            "live feed: the server closed the stream", 12, 3};
  rapidjson::Document d;
  d.Parse(status_to_json(s).c_str());
  REQUIRE(d.IsObject());
  const auto& t = d["trigger"];
  CHECK(std::string(t["source"].GetString()) == "azuracast");
  CHECK(std::string(t["state"].GetString()) == "polling");
  CHECK(std::string(t["last_update"].GetString()) == "2026-11-26T04:00:00Z");
  CHECK(std::string(t["last_error"].GetString()) == "live feed: the server closed the stream");
  CHECK(t["updates"].GetUint64() == 12);
  CHECK(t["reconnects"].GetInt() == 3);
}
