#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "api/centrifugo.hpp"
#include "tests/support/fake_azuracast.hpp"

using namespace loopcast;
using loopcast::test::FakeAzuraCast;

namespace {
const char* kChannel = "station:loopcast_fm";

std::vector<std::string> split_all(SseSplitter& s, std::initializer_list<std::string_view> chunks) {
  std::vector<std::string> events;
  for (auto c : chunks) REQUIRE(s.feed(c, events));
  return events;
}

std::string publication(const std::string& np) {
  return fmt::format(R"({{"data":{{"np":{},"triggers":["song_changed"],"current_time":1764040100}},"offset":7}})", np);
}
}  // namespace

TEST_CASE("SSE: events split on blank lines, across chunk boundaries and line-end styles") {
  SseSplitter s;
  CHECK(split_all(s, {"data: {}\n\n"}) == std::vector<std::string>{"{}"});
  CHECK(split_all(s, {"da", "ta: {\"a\"", ":1}\n", "\n"}) == std::vector<std::string>{R"({"a":1})"});
  CHECK(split_all(s, {"data: x\r\n\r\ndata:y\r", "\n\r\n"}) == std::vector<std::string>{"x", "y"});
  CHECK(split_all(s, {"data: z\r", "\r"}) == std::vector<std::string>{"z"});  // bare CRs end lines too
}

TEST_CASE("SSE: data lines are joined — comments, other fields and data-less events are skipped") {
  SseSplitter s;
  auto events = split_all(s, {": keep-alive\n\nevent: message\nid: 4\nretry: 100\ndata: {\"a\":\ndata: 1}\n\n", "data: open"});
  CHECK(events == std::vector<std::string>{"{\"a\":\n1}"});  // "data: open" waits for its blank line
  CHECK(split_all(s, {"\n\n"}) == std::vector<std::string>{"open"});
  CHECK(split_all(s, {"database: no\n\n"}).empty());  // a field named otherwise is not data
}

TEST_CASE("SSE: a stream that never ends an event is refused at 1 MiB") {
  SseSplitter s;
  std::vector<std::string> events;
  Status st = s.feed(std::string(1 << 20, 'x') + "y", events);
  REQUIRE_FALSE(st);
  CHECK(st.error().find("not a server-sent event stream") != std::string::npos);
  CHECK(s.feed("data: {}\n\n", events));  // and it starts afresh
  CHECK(events.size() == 1);
}

TEST_CASE("Centrifugo: a ping, a connect carrying the current song, an update") {
  auto ping = parse_feed_message("{}", kChannel);
  REQUIRE(ping);
  CHECK(ping->kind == FeedMessage::Kind::ping);
  CHECK_FALSE(ping->np);

  const std::string a = FakeAzuraCast::fixture("azuracast_song_a.json");
  const std::string connect = fmt::format(
      R"({{"connect":{{"client":"c1","version":"5.4.9","subs":{{"{}":{{"recoverable":true,"epoch":"e","publications":[{}],"offset":7,"recovered":true}}}},"ping":25,"session":"s"}}}})",
      kChannel, publication(a));
  auto c = parse_feed_message(connect, kChannel);
  REQUIRE_MESSAGE(c, (c ? "" : c.error()));
  CHECK(c->kind == FeedMessage::Kind::connect);
  CHECK(c->ping_interval == 25);
  REQUIRE(c->np);
  CHECK(c->np->track.title == "One More Time");
  CHECK(c->np->track.sh_id == 1201);

  const std::string b = FakeAzuraCast::fixture("azuracast_song_b.json");
  auto u = parse_feed_message(fmt::format(R"({{"channel":"{}","pub":{}}})", kChannel, publication(b)), kChannel);
  REQUIRE_MESSAGE(u, (u ? "" : u.error()));
  CHECK(u->kind == FeedMessage::Kind::publication);
  REQUIRE(u->np);
  CHECK(u->np->track.artist == "Röyksopp");
}

TEST_CASE("Centrifugo: a connect without publications, another channel, a publication without np") {
  auto c = parse_feed_message(R"({"connect":{"client":"c","subs":{"station:loopcast_fm":{"recoverable":true}}}})", kChannel);
  REQUIRE(c);
  CHECK(c->kind == FeedMessage::Kind::connect);
  CHECK(c->ping_interval == 0);
  CHECK_FALSE(c->np);
  auto other = parse_feed_message(R"({"channel":"station:other","pub":{"data":{"np":{}}}})", kChannel);
  REQUIRE(other);
  CHECK(other->kind == FeedMessage::Kind::other);
  auto bare = parse_feed_message(R"({"channel":"station:loopcast_fm","pub":{"data":{"current_time":1}}})", kChannel);
  REQUIRE(bare);
  CHECK(bare->kind == FeedMessage::Kind::publication);
  CHECK_FALSE(bare->np);
}

TEST_CASE("Centrifugo: garbage, a disconnect and a broken np are errors that say what was wrong") {
  struct Case {
    const char* data;
    const char* says;
  } cases[] = {
      {"<html><body>502 Bad Gateway</body></html>", "invalid JSON at offset 0"},
      {"[1,2]", "must be a JSON object"},
      {R"({"disconnect":{"code":3005,"reason":"connection expired"}})", "disconnect 3005: connection expired"},
      {R"({"error":{"code":100,"message":"internal server error"}})", "error 100: internal server error"},
      {R"({"channel":"station:loopcast_fm","pub":{"data":{"np":{"now_playing":{}}}}})", "now_playing.song is missing"},
      {R"({"connect":{"subs":{"station:loopcast_fm":{"publications":[{"data":{"np":[]}}]}}}})", "connect publication"},
  };
  for (const auto& c : cases) {
    auto m = parse_feed_message(c.data, kChannel);
    REQUIRE_FALSE(m);
    CHECK_MESSAGE(m.error().find(c.says) != std::string::npos, m.error());
  }
}
