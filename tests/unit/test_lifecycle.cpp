// A stream's states and the moves between them, refused when illegal, with their events.
#include <doctest/doctest.h>

#include "control/stream/lifecycle.hpp"

using namespace loopcast;
using S = StreamState;

TEST_CASE("lifecycle: the moves of a start, a stop and a failed start, with their events") {
  EventLog events;
  Lifecycle life(events);
  CHECK(life.state() == S::stopped);
  REQUIRE(life.to(S::starting));
  REQUIRE(life.to(S::running, "stream started on loop 'a.mp4'"));
  REQUIRE(life.to(S::stopping));
  REQUIRE(life.to(S::stopped, "stream stopped after 12 s of media"));
  REQUIRE(life.to(S::starting));
  REQUIRE(life.to(S::error, "open loop 'gone.mp4': No such file"));
  REQUIRE(life.to(S::starting));  // a retry
  const auto ev = events.recent();
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].kind == EventKind::start);
  CHECK(ev[0].text == "stream started on loop 'a.mp4'");
  CHECK(ev[1].kind == EventKind::stop);
  CHECK(ev[2].kind == EventKind::error);
}

TEST_CASE("lifecycle: an illegal move is refused, names both states and changes nothing") {
  EventLog events;
  Lifecycle life(events);
  Status st = life.to(S::running, "should not be logged");
  REQUIRE_FALSE(st);
  CHECK(st.code() == Errc::conflict);
  CHECK(st.error() == "the stream cannot go from stopped to running");
  CHECK(life.state() == S::stopped);
  CHECK(events.recent().empty());
  REQUIRE(life.to(S::starting));
  CHECK_FALSE(life.to(S::starting));  // a second start while starting
  CHECK_FALSE(life.to(S::stopping));  // nothing runs yet
  REQUIRE(life.to(S::running));
  CHECK_FALSE(life.to(S::stopped));   // a stop goes through stopping
  CHECK(life.state() == S::running);
}

TEST_CASE("lifecycle: every pair of states is either a move or refused, as the diagram says") {
  const S all[] = {S::stopped, S::starting, S::running, S::stopping, S::error};
  int moves = 0;
  for (S from : all)
    for (S to : all) moves += Lifecycle::legal(from, to);
  CHECK(moves == 7);
  CHECK(Lifecycle::legal(S::error, S::stopped));
  CHECK_FALSE(Lifecycle::legal(S::running, S::error));  // a dying pipeline is stopped, then restarted
}
