// A Stream: one status merged from its lifecycle and the parts beside it, commands to the
// lifecycle, and closing in order (feed before the pipeline, files after).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "control/stream/stream.hpp"
#include "tests/support/fake_controller.hpp"

using namespace loopcast;
using loopcast::test::FakeController;

namespace {
// A part that writes a trigger state and logs its closing into a shared list.
struct Part final : StreamPart {
  Part(std::vector<std::string>& log, std::string name, Closes when, TriggerState state)
      : log(log), name(std::move(name)), when(when), state(state) {}
  void into(StatusSnapshot& s) const override { s.trigger.state = state; }
  void close() override { log.push_back("close " + name); }
  Closes closes() const override { return when; }
  std::vector<std::string>& log;
  std::string name;
  Closes when;
  TriggerState state;
};

// The lifecycle's stop lands in the same log as the parts' closing.
struct LoggedController final : FakeController {
  explicit LoggedController(std::vector<std::string>& log) : log(log) {}
  Status stop() override {
    log.push_back("stop pipeline");
    return FakeController::stop();
  }
  std::vector<std::string>& log;
};
}  // namespace

TEST_CASE("stream: status is the lifecycle's with each part's section merged in, stamped with the id") {
  std::vector<std::string> log;
  auto core = std::make_shared<LoggedController>(log);
  core->snapshot.loop = "a.mp4";
  core->snapshot.stream = "wrong";
  Stream s("jazz", core);
  CHECK(s.status().trigger.state == TriggerState::off);
  s.add(std::make_shared<Part>(log, "feed", StreamPart::Closes::before_pipeline, TriggerState::live));
  const StatusSnapshot st = s.status();
  CHECK(st.stream == "jazz");
  CHECK(st.loop == "a.mp4");
  CHECK(st.trigger.state == TriggerState::live);
}

TEST_CASE("stream: commands go to the lifecycle") {
  std::vector<std::string> log;
  auto core = std::make_shared<LoggedController>(log);
  Stream s("jazz", core);
  REQUIRE(s.restart());
  REQUIRE(s.switch_loop("ocean"));
  core->next = Error{"not running", Errc::conflict};
  CHECK(s.stop().code() == Errc::conflict);
  CHECK(core->calls_copy() == std::vector<std::string>{"restart", "switch:ocean", "stop"});
}

TEST_CASE("stream: close stops the feed-like parts, then the pipeline, then the files, once") {
  std::vector<std::string> log;
  auto core = std::make_shared<LoggedController>(log);
  {
    Stream s("jazz", core);
    s.add(std::make_shared<Part>(log, "feed", StreamPart::Closes::before_pipeline, TriggerState::live));
    s.add(std::make_shared<Part>(log, "files", StreamPart::Closes::after_pipeline, TriggerState::off));
    s.add(std::make_shared<Part>(log, "youtube", StreamPart::Closes::before_pipeline, TriggerState::off));
    s.close();
    CHECK(log == std::vector<std::string>{"close youtube", "close feed", "stop pipeline", "close files"});
    s.close();  // idempotent
  }  // and the destructor closes nothing twice
  CHECK(log.size() == 4);
}
