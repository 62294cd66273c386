#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string>

#include "api/azuracast.hpp"

using namespace loopcast;

namespace {
std::string read_fixture(const char* name) {
  std::ifstream in(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("a full AzuraCast NowPlaying webhook body is parsed") {
  auto np = parse_nowplaying(read_fixture("azuracast_song_a.json"));
  REQUIRE_MESSAGE(np, (np ? "" : np.error()));
  CHECK(np->station == "loopcast_fm");
  CHECK(np->is_online);
  CHECK_FALSE(np->track.live);
  const TrackInfo& t = np->track;
  CHECK(t.song_id == "9f33bbc912c19603e51be8e0987d076b");
  CHECK(t.artist == "Daft Punk");
  CHECK(t.title == "One More Time");
  CHECK(t.text == "Daft Punk - One More Time");
  CHECK(t.album == "Discovery");
  CHECK(t.playlist == "Daytime");
  CHECK(t.sh_id == 1201);
  CHECK(t.played_at == 1764040000);
  CHECK(to_string(t.source) == "webhook");
  CHECK(t.custom_fields.empty());  // AzuraCast sends [] when there are none
  CHECK(t.next == "R\u00f6yksopp \u2013 Eple");  // playing_next.song, for the title card's "Up next"
}

TEST_CASE("playing_next is optional: missing, null or odd leaves the title card's line out, never refuses the song") {
  for (const char* next : {"", R"(,"playing_next":null)", R"(,"playing_next":{"song":7})", R"(,"playing_next":{"song":{"title":3}})",
                           R"(,"playing_next":{"song":{"text":"Only Text"}})"}) {
    CAPTURE(next);
    auto np = parse_nowplaying(std::string(R"({"now_playing":{"song":{"artist":"A","title":"B"}})") + next + "}");
    REQUIRE_MESSAGE(np, np.error());
    CHECK(np->track.next == (std::string(next).find("Only Text") != std::string::npos ? "Only Text" : ""));
  }
}

TEST_CASE("custom fields, UTF-8 and live DJ state") {
  auto b = parse_nowplaying(read_fixture("azuracast_song_b.json"));
  REQUIRE(b);
  CHECK(b->track.artist == "Röyksopp");
  CHECK(b->track.custom_fields.at("loop") == "b");
  auto live = parse_nowplaying(read_fixture("azuracast_live_dj.json"));
  REQUIRE(live);
  CHECK(live->track.live);
  CHECK(live->track.streamer == "DJ Night");
  CHECK_FALSE(b->track.live);
  CHECK(live->track.title == "D.A.N.C.E.");
}

TEST_CASE("minimal bodies: text only is split, artist/title only build the text") {
  auto a = parse_nowplaying(R"({"now_playing":{"song":{"text":"Air - Sexy Boy"}}})");
  REQUIRE(a);
  CHECK(a->track.artist == "Air");
  CHECK(a->track.title == "Sexy Boy");
  auto b = parse_nowplaying(R"({"now_playing":{"song":{"artist":"Air","title":"Kelly Watch the Stars","custom_fields":{"loop":7,"x":null}}}})");
  REQUIRE(b);
  CHECK(b->track.text == "Air - Kelly Watch the Stars");
  CHECK(b->track.custom_fields.at("loop") == "7");
  CHECK(b->track.custom_fields.count("x") == 0);
}

TEST_CASE("malformed bodies are refused with the offending field named") {
  struct Case {
    std::string body;
    const char* needle;
  };
  const Case cases[] = {
      {"", "invalid JSON"},
      {"{\"now_playing\": ", "invalid JSON"},
      {"[]", "object"},
      {"{}", "now_playing"},
      {R"({"now_playing": 5})", "now_playing"},
      {R"({"now_playing": {}})", "now_playing.song"},
      {R"({"now_playing": {"song": {"title": 42}}})", "now_playing.song.title"},
      {R"({"now_playing": {"song": {"id": "x", "artist": ["a"]}}})", "now_playing.song.artist"},
      {R"({"now_playing": {"sh_id": "12", "song": {"id": "x"}}})", "now_playing.sh_id"},
      {R"({"now_playing": {"played_at": 1.7e30, "song": {"id": "x"}}})", "now_playing.played_at must be an integer"},  // fuzzer find
      {R"({"is_online": "yes", "now_playing": {"song": {"id": "x"}}})", "is_online"},
      {R"({"now_playing": {"song": {}}})", "neither id nor text"},
      {R"({"now_playing": {"song": {"id": "x", "custom_fields": "loop=b"}}})", "custom_fields"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    auto r = parse_nowplaying(c.body);
    REQUIRE_FALSE(r);
    CHECK(r.code() == Errc::invalid);
    CHECK(r.error().find(c.needle) != std::string::npos);
  }
  CHECK_FALSE(parse_nowplaying(std::string(2 << 20, ' ')));
}

TEST_CASE("song fields are bounded and lose control characters: no forged log lines, no megabyte titles on air") {
  std::string custom;
  for (int i = 0; i < 100; ++i) custom += fmt::format(R"({}"f{}":"v")", i ? "," : "", i);
  const std::string huge(300000, 'x');
  const std::string body = fmt::format(
      R"({{"now_playing":{{"song":{{"id":"0123456789abcdef0123456789abcdef","artist":"A\nINFO forged line","title":"{}","art":"https://a.example/{}","custom_fields":{{{}}}}}}}}})",
      huge + "\u00e9", huge, custom);
  auto np = loopcast::parse_nowplaying(body);
  REQUIRE_MESSAGE(np, (np ? "" : np.error()));
  CHECK(np->track.artist == "A INFO forged line");
  CHECK(np->track.title.size() <= 1024);
  CHECK(np->track.title.find('\n') == std::string::npos);
  CHECK(np->track.text.size() <= 1024);
  CHECK(np->track.art.size() <= 4096);
  CHECK(np->track.custom_fields.size() == 32);
  CHECK(np->track.song_id == "0123456789abcdef0123456789abcdef");
}
