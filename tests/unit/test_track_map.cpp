#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "control/mapping/track_map.hpp"

using namespace loopcast;
namespace fs = std::filesystem;

namespace {
struct LoopsDir {
  LoopsDir() {
    char tmpl[] = "/tmp/loopcast-maps-XXXXXX";
    path = mkdtemp(tmpl);
    for (const char* f : {"a.mp4", "b.mp4", "night.mkv", "special.webm"}) std::ofstream(path + "/" + f) << "x";
  }
  ~LoopsDir() { fs::remove_all(path); }
  std::string operator/(const std::string& f) const { return path + "/" + f; }
  std::string path;
};

TrackInfo track(std::string artist, std::string title, std::string id = "", std::string playlist = "") {
  TrackInfo t;
  t.artist = std::move(artist);
  t.title = std::move(title);
  t.song_id = std::move(id);
  t.playlist = std::move(playlist);
  return t;
}
}  // namespace

TEST_CASE("rules match by song id, artist, artist+title, text, playlist — first match wins") {
  LoopsDir d;
  auto m = TrackMap::parse(R"({
    "default": "a.mp4",
    "rules": [
      {"song_id": "9f33bbc912c19603e51be8e0987d076b", "loop": "special.webm"},
      {"artist": "Daft Punk", "title": "One More Time", "loop": "b.mp4"},
      {"artist": "Daft Punk", "loop": "night.mkv"},
      {"text": "Air - Sexy Boy", "loop": "b.mp4"},
      {"playlist": "Night", "loop": "night.mkv"}
    ]})", d.path);
  REQUIRE_MESSAGE(m, (m ? "" : m.error()));
  CHECK(m->rule_count() == 5);
  CHECK(m->resolve(track("Someone", "Else", "9f33bbc912c19603e51be8e0987d076b")) == d / "special.webm");
  CHECK(m->resolve(track("  daft PUNK ", "one more time")) == d / "b.mp4");  // trimmed, any case
  CHECK(m->resolve(track("Daft Punk", "Aerodynamic")) == d / "night.mkv");
  CHECK(m->resolve(track("AIR", "sexy boy")) == d / "b.mp4");               // text built from artist/title
  CHECK(m->resolve(track("Nobody", "Nothing", "", "night")) == d / "night.mkv");
  CHECK(m->resolve(track("Nobody", "Nothing")) == d / "a.mp4");             // default
  CHECK(m->missing_loops().empty());
}

TEST_CASE("a custom field on the song beats the rules — an unknown one falls through") {
  LoopsDir d;
  auto m = TrackMap::parse(R"({"default": "a.mp4", "custom_field": "video",
                                "rules": [{"artist": "Daft Punk", "loop": "night.mkv"}]})", d.path);
  REQUIRE(m);
  TrackInfo t = track("Daft Punk", "One More Time");
  t.custom_fields["video"] = "b";
  CHECK(m->resolve(t) == d / "b.mp4");
  t.custom_fields["video"] = "does-not-exist";
  CHECK(m->resolve(t) == d / "night.mkv");
  t.custom_fields["video"] = "../../etc/passwd";
  CHECK(m->resolve(t) == d / "night.mkv");
}

TEST_CASE("with_default maps everything to one loop — missing loops are reported") {
  CHECK(TrackMap::with_default("/x/a.mp4").resolve(track("A", "B")) == "/x/a.mp4");
  LoopsDir d;
  TrackInfo named = track("A", "B");
  named.custom_fields["loop"] = "night";
  CHECK(TrackMap::with_default("/x/a.mp4", d.path).resolve(named) == d / "night.mkv");  // custom field works without rules
  auto m = TrackMap::parse(R"({"default": "gone.mp4", "rules": [{"artist": "X", "loop": "/abs/x.mp4"}]})", d.path);
  REQUIRE(m);
  CHECK(m->missing_loops() == std::vector<std::string>{d / "gone.mp4", "/abs/x.mp4"});
}

TEST_CASE("mapping errors name the rule and the problem") {
  struct Case {
    const char* json;
    const char* needle;
  };
  const Case cases[] = {
      {"{", "invalid JSON"},
      {"[]", "object"},
      {R"({"rules": {}})", "'rules' must be an array"},
      {R"({"rules": [{"artist": "x"}]})", "rule 0 has no \"loop\""},
      {R"({"rules": [{"loop": "a.mp4", "artist": "x"}, {"loop": "b.mp4"}]})", "rule 1 matches nothing"},
      {R"({"rules": [{"loop": "a.mp4", "artist": 5}]})", "rule 0: 'artist' must be a string"},
      {R"({"rules": [{"loop": "a.mp4", "singer": "x"}]})", "unknown key 'singer'"},
      {R"({"default": 1})", "'default' must be a string"},
      {R"({"defualt": "a.mp4"})", "unknown key 'defualt'"},
      // A typo or a newer version's key never leaves a rule that matches every song.
      {R"({"rules": [{"loop": "a.mp4", "artsit": "x"}]})", "rule 0: unknown key 'artsit'"},
      {R"({"rules": [{"loop": "a.mp4", "artist": "x"}, {"loop": "b.mp4", "mood": "calm"}]})", "rule 1: unknown key 'mood'"},
      {R"({"rules": [{"loop": "a.mp4", "artist": "  "}]})", "rule 0: 'artist' is empty"},
      // Time keys only with valid values.
      {R"({"default": "a.mp4", "rules": [{"days": ["funday"], "from": "25:00", "loop": "b.mp4"}]})", "rule 0: "},
      {R"({"rules": [{"days": ["funday"], "loop": "b.mp4"}]})", "rule 0: unknown day 'funday'"},
      {R"({"rules": [{"from": "25:00", "loop": "b.mp4"}]})", "rule 0: 'from': bad time '25:00'"},
      {R"({"rules": [{"artist": "x", "loop": "a.mp4"}, {"from": "06:00", "to": "06:00", "loop": "b.mp4"}]})", "rule 1: empty window"},
      {R"({"rules": [{"days": "fri", "loop": "b.mp4"}]})", "rule 0: 'days' must be a non-empty array"},
      {R"({"rules": [{"dates": ["2026-13-01"], "loop": "b.mp4"}]})", "rule 0: bad date '2026-13-01'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    auto m = TrackMap::parse(c.json, "/tmp");
    REQUIRE_FALSE(m);
    CHECK(m.error().find(c.needle) != std::string::npos);
  }
  auto missing = TrackMap::load("/nonexistent/mapping.json", "/tmp");
  REQUIRE_FALSE(missing);
  CHECK(missing.code() == Errc::not_found);
}

TEST_CASE("time rules: alone or with song keys and in the map's zone and in rule order") {
  LoopsDir d;
  auto berlin = TimeZone::locate("Europe/Berlin");
  REQUIRE(berlin);
  auto m = TrackMap::parse(R"({"default": "a.mp4", "rules": [
      {"artist": "Daft Punk", "days": ["sat", "sun"], "loop": "special.webm"},
      {"days": ["fri"], "from": "20:00", "to": "23:00", "loop": "b.mp4"},
      {"from": "22:00", "to": "06:00", "loop": "night.mkv"}]})", d.path, *berlin);
  REQUIRE_MESSAGE(m, (m ? "" : m.error()));
  using namespace std::chrono;
  const SysSeconds fri = time_point_cast<seconds>(SysDays(year(2026) / 1 / 16));  // Friday, 01:00 in Berlin
  CHECK(m->resolve(track("Air", "x"), fri + hours(12)) == d / "a.mp4");
  CHECK(m->resolve(track("Air", "x"), fri + hours(19)) == d / "b.mp4");            // 20:00 local
  CHECK(m->resolve(track("Air", "x"), fri + hours(22)) == d / "night.mkv");        // 23:00 local
  CHECK(m->resolve(track("Daft Punk", "x"), fri + hours(22)) == d / "night.mkv");  // Friday: not the weekend rule
  CHECK(m->resolve(track("Daft Punk", "x"), fri + hours(24 + 12)) == d / "special.webm");
  CHECK(m->rule_loop(track("", ""), fri + hours(12)) == std::nullopt);  // nothing but the default
  CHECK(m->next_edge(fri + hours(12)) == fri + hours(19));
}

TEST_CASE("loop names resolve with or without extension and never escape the directory") {
  LoopsDir d;
  CHECK(*resolve_loop_name(d.path, "a") == d / "a.mp4");
  CHECK(*resolve_loop_name(d.path, "a.mp4") == d / "a.mp4");
  CHECK(*resolve_loop_name(d.path, "night") == d / "night.mkv");
  CHECK(resolve_loop_name(d.path, "zzz").code() == Errc::not_found);
  CHECK(resolve_loop_name(d.path, "../a").code() == Errc::invalid);
  CHECK(resolve_loop_name(d.path, "/etc/passwd").code() == Errc::invalid);
  CHECK(resolve_loop_name(d.path, "").code() == Errc::invalid);
}

TEST_CASE("the rig mapping fixture routes the AzuraCast fixtures to different loops") {
  LoopsDir d;
  auto m = TrackMap::load(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/mapping_rig.json", d.path);
  REQUIRE_MESSAGE(m, (m ? "" : m.error()));
  CHECK(m->resolve(track("Daft Punk", "One More Time", "9f33bbc912c19603e51be8e0987d076b")) == d / "a.mp4");
  CHECK(m->resolve(track("Röyksopp", "Eple")) == d / "b.mp4");
}

TEST_CASE("the week mapping fixture (also a fuzz seed) loads with its time rules") {
  LoopsDir d;
  auto m = TrackMap::load(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/mapping_week.json", d.path);
  REQUIRE_MESSAGE(m, (m ? "" : m.error()));
  CHECK(m->rule_count() == 4);
}

TEST_CASE("status shows a network loop without its credentials or signed query") {
  using loopcast::LoopRef;
  CHECK(LoopRef::parse("https://u:pw@cdn.example/bg.mp4?sig=abcdef").shown() == "https://****@cdn.example/bg.mp4?sig=****");
  CHECK(LoopRef::parse("/srv/loops/ocean.mp4").shown() == "/srv/loops/ocean.mp4");
  CHECK(LoopRef::scene("http://a/x.png", "A - B").shown() == "@art");
}

TEST_CASE("a loop as written is parsed once into its kind") {
  using loopcast::LoopRef;
  CHECK(LoopRef::parse("").empty());
  CHECK(LoopRef::parse("/srv/loops/ocean.mp4").kind() == LoopRef::Kind::file);
  CHECK(LoopRef::parse("/srv/loops/ocean.mp4").name() == "ocean.mp4");
  CHECK(LoopRef::parse("file:///srv/loops/ocean.mp4").kind() == LoopRef::Kind::file);  // file: is local
  CHECK(LoopRef::parse("https://cdn.example/bg.mp4").kind() == LoopRef::Kind::network);
  CHECK(LoopRef::parse("https://u:pw@cdn.example/bg.mp4").name() == "https://****@cdn.example/bg.mp4");
  CHECK(LoopRef::parse("@art").kind() == LoopRef::Kind::art);
  CHECK(LoopRef::parse("@art").location().empty());
  // A file whose name starts like the scene's is a file: only the exact word is the scene.
  CHECK(LoopRef::parse("@artwork.mp4").kind() == LoopRef::Kind::file);
  const auto scene = LoopRef::scene("http://a/x.png", "A - B");
  CHECK(scene.kind() == LoopRef::Kind::scene);
  CHECK(scene.text() == "A - B");
  CHECK(scene.name() == "@art");
  CHECK(scene != LoopRef::parse("@art"));
}
