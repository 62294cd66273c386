// Channels: the `streams` config array and the run-time registry (put/replace/delete/persist).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control/config/stream_config.hpp"
#include "control/channels/streams.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"
#include "base/atomic_file.hpp"

using namespace loopcast;
using loopcast::test::FakeController;

namespace {
AppConfig base_config() {
  AppConfig c;
  c.engine.loop = "a.mp4";
  return c;
}

// A part beside a stream that logs its closing ("companions ID"): the feed and files of a real one.
struct LoggedPart final : loopcast::StreamPart {
  LoggedPart(std::mutex& mu, std::vector<std::string>& log, std::string id) : mu(mu), log(log), id(std::move(id)) {}
  void into(StatusSnapshot&) const override {}
  void close() override {
    std::lock_guard lk(mu);
    log.push_back("companions " + id);
  }
  Closes closes() const override { return Closes::before_pipeline; }
  std::mutex& mu;
  std::vector<std::string>& log;
  std::string id;
};

// A launcher that keeps every controller it made and logs launches and stops in order.
struct Launcher {
  std::mutex mu;
  std::vector<std::string> log;
  std::vector<std::shared_ptr<FakeController>> made;
  std::string fail_id;      // launching this id fails
  std::string fail_output;  // launching anything with this output fails

  Streams::Launch fn() {
    return [this](const StreamSpec& s) -> Result<std::shared_ptr<Stream>> {
      std::lock_guard lk(mu);
      if (s.id == fail_id || (!fail_output.empty() && s.cfg.engine.outputs.at(0) == fail_output))
        return Error{"cannot open the loop", Errc::unavailable};
      auto ctl = std::make_shared<FakeController>();
      ctl->snapshot.state = StreamState::running;
      ctl->snapshot.loop = s.cfg.engine.loop;
      made.push_back(ctl);
      log.push_back("launch " + s.id + " " + s.cfg.engine.outputs.at(0));
      // The stop of the stream is seen in its controller's calls; its parts' closing here.
      auto stream = std::make_shared<Stream>(s.id, ctl);
      stream->add(std::make_shared<LoggedPart>(mu, log, s.id));
      return stream;
    };
  }
};

Streams::Options options(Launcher& l, const std::string& doc_text, const std::string& path = "") {
  auto doc = split_streams_document(doc_text);
  REQUIRE(doc);
  AppConfig base = base_config();  // as `loopcast run` does: the top's keys, then the flags
  REQUIRE(apply_config_json(base, doc->top_json));
  return Streams::Options{base, *doc, path, nullptr, l.fn()};
}

const char* kThree = R"({"fps": 25, "streams": [
  {"id": "jazz", "output": "jazz.flv", "switch_delay": 4},
  {"id": "rock-2", "output": "rock.flv", "size": "640x360"},
  {"id": "talk", "output": "talk.flv", "station": "talk_fm"}]})";
}  // namespace

TEST_CASE("stream ids: a-z, 0-9 and '-' only") {
  CHECK(valid_stream_id("main"));
  CHECK(valid_stream_id("jazz-24-7"));
  CHECK_FALSE(valid_stream_id(""));
  CHECK_FALSE(valid_stream_id("Jazz"));
  CHECK_FALSE(valid_stream_id("a_b"));
  CHECK_FALSE(valid_stream_id("../etc"));
  CHECK_FALSE(valid_stream_id(std::string(65, 'a')));
}

TEST_CASE("a streams document: top keys are defaults, each entry its own keys") {
  Launcher l;
  Streams reg(options(l, kThree));
  auto specs = reg.parse_all();
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  CHECK((*specs)[0].id == "jazz");
  CHECK((*specs)[0].cfg.engine.fps == 25);              // from the top
  CHECK((*specs)[0].cfg.control.switch_delay == 4);     // its own
  CHECK((*specs)[1].cfg.control.switch_delay == 0);     // not the neighbour's
  CHECK((*specs)[1].cfg.engine.width == 640);
  CHECK((*specs)[0].cfg.engine.width == 1280);
  CHECK((*specs)[2].cfg.control.station == "talk_fm");  // station alone: webhook routing only
  CHECK((*specs)[2].cfg.engine.outputs == std::vector<std::string>{"talk.flv"});
}

TEST_CASE("a document without streams is one stream") {
  auto doc = split_streams_document(R"({"fps": 25})");
  REQUIRE(doc);
  CHECK_FALSE(doc->has_streams);
  CHECK(doc->entries.empty());
}

TEST_CASE("bad streams documents are refused, naming the stream and the key") {
  auto err = [](const std::string& text) -> std::string {
    auto doc = split_streams_document(text);
    if (!doc) return doc.error();
    Launcher l;
    Streams reg(Streams::Options{base_config(), *doc, "", nullptr, l.fn()});
    auto specs = reg.parse_all();
    return specs ? "" : specs.error();
  };
  CHECK(err(R"({"streams": {}})").find("'streams' must be an array") != std::string::npos);
  CHECK(err(R"({"streams": []})").find("empty") != std::string::npos);
  CHECK(err(R"({"streams": [3]})").find("streams[0] must be an object") != std::string::npos);
  CHECK(err(R"({"streams": [{"output": "a.flv"}]})").find("'id' is missing") != std::string::npos);
  CHECK(err(R"({"streams": [{"id": "Bad_Id", "output": "a.flv"}]})").find("stream id 'Bad_Id'") != std::string::npos);
  CHECK(err(R"({"streams": [{"id": "a", "output": "a.flv"}, {"id": "a", "output": "b.flv"}]})") == "stream id 'a' appears twice");
  CHECK(err(R"({"streams": [{"id": "a", "output": "x.flv"}, {"id": "b", "output": "x.flv"}]})").find("stream 'b': output 'x.flv' is already stream 'a'") !=
        std::string::npos);
  const std::string bitrate = err(R"({"streams": [{"id": "a", "output": "a.flv"}, {"id": "b", "output": "b.flv", "vbitrate": "fast"}]})");
  CHECK(bitrate.find("stream 'b': vbitrate: invalid value 'fast'") == 0);
  CHECK(err(R"({"streams": [{"id": "b", "output": "b.flv", "fps": 99}]})") == "stream 'b': fps 99: must be 1..60");
  CHECK(err(R"({"streams": [{"id": "b", "output": "b.flv", "colour": 1}]})") == "stream 'b': unknown config key 'colour'");
  CHECK(err(R"({"streams": [{"id": "b", "output": "b.flv", "http_port": 9000}]})").find("'http_port' is process-wide") != std::string::npos);
  CHECK(err(R"({"streams": [{"id": "b"}]})").find("stream 'b': no output") == 0);
}

TEST_CASE("the registry launches every stream, and put/delete change one without the others") {
  Launcher l;
  Streams reg(options(l, kThree));
  REQUIRE(reg.load());
  CHECK(reg.ids() == std::vector<std::string>{"jazz", "rock-2", "talk"});
  CHECK(reg.first().status().stream == "jazz");
  CHECK(reg.find("talk")->status().stream == "talk");
  CHECK(reg.for_station("talk_fm") == reg.find("talk"));
  CHECK(reg.for_station("other") == nullptr);
  CHECK_FALSE(reg.persistent());

  SUBCASE("put replaces: the old one stops before the new one starts") {
    auto before = reg.find("rock-2");
    auto c = reg.put("rock-2", R"({"output": "rock-new.flv"})");
    REQUIRE(c);
    CHECK_FALSE(c->created);
    CHECK_FALSE(c->persisted);
    CHECK(c->note.find("without --config") != std::string::npos);
    CHECK(reg.find("rock-2") != before);
    CHECK(reg.ids() == std::vector<std::string>{"jazz", "rock-2", "talk"});  // keeps its place
    const auto at = std::find(l.log.begin(), l.log.end(), "companions rock-2");
    REQUIRE(at != l.log.end());
    CHECK(std::find(at, l.log.end(), "launch rock-2 rock-new.flv") != l.log.end());
    CHECK(l.made[1]->calls_copy() == std::vector<std::string>{"stop"});
    CHECK(l.made[0]->calls_copy().empty());  // jazz untouched
    CHECK(l.made[2]->calls_copy().empty());
  }
  SUBCASE("put creates, validated like the config") {
    auto c = reg.put("news", R"({"output": "news.flv", "fps": 50})");
    REQUIRE(c);
    CHECK(c->created);
    CHECK(reg.ids().back() == "news");
    CHECK(reg.entry("news").value() == R"({"id":"news","output":"news.flv","fps":50})");
    auto bad = reg.put("x", R"({"output": "x.flv", "fps": 0})");
    REQUIRE_FALSE(bad);
    CHECK(bad.code() == Errc::invalid);
    CHECK(bad.error() == "stream 'x': fps 0: must be 1..60");
    CHECK_FALSE(reg.put("Bad", R"({"output": "y.flv"})"));
    CHECK(reg.put("y", R"({"id": "z", "output": "y.flv"})").error().find("differs") != std::string::npos);
    CHECK(reg.put("y", R"({"output": "jazz.flv"})").error().find("already stream 'jazz'") != std::string::npos);
    CHECK(reg.put("y", "[1]").error().find("JSON object") != std::string::npos);
    CHECK(reg.ids().size() == 4);  // nothing of the refused ones was added
  }
  SUBCASE("a replacement that cannot launch brings the old one back") {
    l.fail_output = "talk2.flv";  // the new settings fail, the old ones still launch
    auto c = reg.put("talk", R"({"output": "talk2.flv"})");
    REQUIRE_FALSE(c);
    CHECK(c.error() == "stream 'talk': cannot open the loop");
    auto back = reg.find("talk");
    REQUIRE(back != nullptr);  // running again...
    CHECK(back->status().state == StreamState::running);
    CHECK(reg.entry("talk").value().find("talk.flv") != std::string::npos);  // ...with its old settings
    CHECK(reg.entry("talk").value().find("talk2.flv") == std::string::npos);
    std::lock_guard lk(l.mu);
    CHECK(l.log.back() == "launch talk talk.flv");  // the last launch was the old settings
    CHECK(reg.ids().size() == 3);
  }
  SUBCASE("a replacement that cannot launch, when the old settings cannot either: the entry stays, nothing runs") {
    l.fail_id = "talk";
    auto c = reg.put("talk", R"({"output": "talk2.flv"})");
    REQUIRE_FALSE(c);
    CHECK(c.error() == "stream 'talk': cannot open the loop");
    l.fail_id.clear();
    // The old settings (talk.flv) were relaunched... by a launcher that refused "talk": none.
    CHECK(reg.find("talk") == nullptr);
    CHECK(reg.entry("talk").value().find("talk.flv") != std::string::npos);
  }
  SUBCASE("delete stops the stream, the others keep running, the last one stays") {
    auto c = reg.remove("jazz");
    REQUIRE(c);
    CHECK(l.made[0]->calls_copy() == std::vector<std::string>{"stop"});
    CHECK(reg.ids() == std::vector<std::string>{"rock-2", "talk"});
    CHECK(reg.first().status().stream == "rock-2");  // the single-stream routes follow
    CHECK(reg.remove("jazz").code() == Errc::not_found);
    REQUIRE(reg.remove("talk"));
    auto last = reg.remove("rock-2");
    REQUIRE_FALSE(last);
    CHECK(last.code() == Errc::conflict);
    CHECK(l.made[1]->calls_copy().empty());
  }
}

TEST_CASE("the registry writes changes back to a writable config, atomically") {
  test::TempDir dir("streams-persist");
  const std::string path = dir.path + "/loopcast.json";
  REQUIRE(write_file_atomic(path, kThree));
  Launcher l;
  auto text = read_file(path, 1 << 20);
  REQUIRE(text);
  {
    Streams reg(options(l, *text, path));
    REQUIRE(reg.load());
    CHECK(reg.persistent());
    auto c = reg.put("news", R"({"output": "news.flv"})");
    REQUIRE(c);
    CHECK(c->persisted);
    REQUIRE(reg.remove("rock-2"));
  }
  // Loaded again, the file holds what the registry held: same top keys, jazz, talk, news.
  auto again = read_file(path, 1 << 20);
  REQUIRE(again);
  Launcher l2;
  Streams reg2(options(l2, *again, path));
  REQUIRE(reg2.load());
  CHECK(reg2.ids() == std::vector<std::string>{"jazz", "talk", "news"});
  CHECK(reg2.find("news")->status().loop == "a.mp4");
  CHECK(again->find("\"fps\":25") != std::string::npos);

  SUBCASE("a config that cannot be written is not written, and the answer says so") {
    // A path under a regular file (ENOTDIR): nobody can write there, root included, so this runs
    // the same for every uid.
    const std::string blocked = path + "/streams.json";
    Launcher l3;
    Streams ro(options(l3, *again, blocked));
    REQUIRE(ro.load());
    CHECK_FALSE(ro.persistent());
    auto c = ro.put("more", R"({"output": "more.flv"})");
    REQUIRE(c);
    CHECK_FALSE(c->persisted);
    CHECK(c->note.find("not writable") != std::string::npos);
    CHECK(ro.find("more"));  // the change still holds until exit
    CHECK(read_file(path, 1 << 20).value() == *again);
  }
  SUBCASE("a read-only (0444) config is not written, for a user the mode applies to") {
    REQUIRE(::chmod(path.c_str(), 0444) == 0);
    Launcher l3;
    Streams ro(options(l3, *again, path));
    REQUIRE(ro.load());
    if (::geteuid() == 0) {
      MESSAGE("running as root, which file modes do not bind: the 0444 case is covered by the ENOTDIR one above");
    } else {
      CHECK_FALSE(ro.persistent());
      auto c = ro.put("more", R"({"output": "more.flv"})");
      REQUIRE(c);
      CHECK_FALSE(c->persisted);
      CHECK(c->note.find("not writable") != std::string::npos);
      CHECK(read_file(path, 1 << 20).value() == *again);
    }
  }
}

TEST_CASE("config_flag finds --config in either form and the rest keeps its order") {
  CHECK(config_flag({"--fps", "25", "--config", "a.json"}) == "a.json");
  CHECK(config_flag({"--config=b.json"}) == "b.json");
  CHECK(config_flag({"--fps", "25"}).empty());
  CHECK(without_config_flag({"--fps", "25", "--config", "a.json", "--loop", "x"}) == std::vector<std::string>{"--fps", "25", "--loop", "x"});
}
