// Which loop a song gets and when (SongSwitches, song_timing): no pipeline, no scheduler.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "control/mapping/song_timing.hpp"
#include "control/stream/song_switches.hpp"

using namespace loopcast;
namespace fs = std::filesystem;

namespace {
TrackInfo song(const std::string& artist, const std::string& title, TrackSource src = TrackSource::webhook) {
  TrackInfo t;
  t.artist = artist;
  t.title = title;
  t.source = src;
  return t;
}

struct Dir {
  fs::path path = fs::temp_directory_path() / ("loopcast-songs-" + std::to_string(::getpid()));
  Dir() {
    fs::create_directories(path);
    for (const char* f : {"day.mp4", "air.mp4"}) std::ofstream(path / f) << "x";
  }
  ~Dir() { fs::remove_all(path); }
  // A config whose mapping sends Air to air.mp4 and everything else to day.mp4.
  AppConfig mapped() const {
    std::ofstream(path / "mapping.json") << R"({"default": "day.mp4", "rules": [{"artist": "Air", "loop": "air.mp4"}]})";
    AppConfig cfg;
    cfg.engine.loop = (path / "day.mp4").string();
    cfg.control.loops_dir = path.string();
    cfg.control.mapping_file = (path / "mapping.json").string();
    return cfg;
  }
};
}  // namespace

TEST_CASE("song timing: the same song is known by its most specific identity") {
  TrackInfo a = song("Air", "Alpha"), b = song("Air", "Alpha");
  CHECK(same_song(a, b));
  a.sh_id = 1;
  b.sh_id = 2;  // the same song played twice: two plays
  CHECK_FALSE(same_song(a, b));
  TrackInfo c = song("X", "Y"), d = song("Other", "Text");
  c.song_id = d.song_id = "abc";
  CHECK(same_song(c, d));  // AzuraCast's id wins over the text
}

TEST_CASE("song timing: station metadata waits, counted from played_at, ICY waits for its audio, requests do not") {
  const std::time_t now = 1'800'000'000;
  TrackInfo hook = song("A", "B");
  CHECK(switch_delay_for(hook, 10, now) == doctest::Approx(10));
  hook.played_at = now - 4;  // the webhook came 4 s late
  CHECK(switch_delay_for(hook, 10, now) == doctest::Approx(6));
  hook.played_at = now - 25;  // later than the delay: at once
  CHECK(switch_delay_for(hook, 10, now) == 0);
  hook.played_at = now - 7200;  // two hours: a clock problem, not a late webhook
  CHECK(switch_delay_for(hook, 10, now) == doctest::Approx(10));
  TrackInfo icy = song("A", "B", TrackSource::icy);
  icy.heard_in = 1.5;
  CHECK(switch_delay_for(icy, 10, now) == doctest::Approx(1.5));
  CHECK(switch_delay_for(song("A", "B", TrackSource::api), 10, now) == 0);
}

TEST_CASE("song switches: a song gets the mapping's loop, a repeat gets nothing and is not counted") {
  Dir d;
  AppConfig cfg = d.mapped();
  cfg.control.switch_delay = 5;
  SongSwitches songs(cfg);
  REQUIRE(songs.reload(TimeZone{}));
  auto r = songs.song(song("Air", "Alpha"));
  REQUIRE(r);
  CHECK(r->loop == LoopRef::parse((d.path / "air.mp4").string()));
  CHECK(r->delay == doctest::Approx(5));
  CHECK_FALSE(songs.song(song("Air", "Alpha")));  // AzuraCast posting the same song again
  CHECK(songs.changes() == 1);
  r = songs.song(song("Blur", "Beetlebum"));
  REQUIRE(r);
  CHECK(r->loop.name() == "day.mp4");
  CHECK(songs.track().artist == "Blur");
  CHECK(songs.changes() == 2);

  auto named = songs.loop_by_name("air");
  REQUIRE(named);
  CHECK(named->loop.name() == "air.mp4");
  CHECK(named->delay == 0);
  auto missing = songs.loop_by_name("nope");
  REQUIRE_FALSE(missing);
  CHECK(missing.code() == Errc::not_found);
}

TEST_CASE("song switches: a refused mapping keeps the old one, and no mapping file says how to set one") {
  Dir d;
  const AppConfig cfg = d.mapped();
  SongSwitches songs(cfg);
  REQUIRE(songs.reload(TimeZone{}));
  std::ofstream(d.path / "mapping.json") << R"({"rules": [{"artist": )";  // cut off mid-write
  auto bad = songs.reload(TimeZone{});
  REQUIRE_FALSE(bad);
  CHECK(songs.song(song("Air", "X"))->loop.name() == "air.mp4");  // the old rules still hold

  AppConfig none = cfg;
  none.control.mapping_file.clear();
  auto refused = SongSwitches(none).reload(TimeZone{});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("--mapping FILE") != std::string::npos);
}

TEST_CASE("song switches: under --background art a song with a cover gets its scene, one without keeps the loop") {
  AppConfig cfg;
  cfg.engine.loop = "/loops/day.mp4";
  cfg.engine.background = Background::art;
  SongSwitches songs(cfg);
  TrackInfo with = song("Air", "Alpha");
  with.art = "http://127.0.0.1/cover.jpg";
  auto r = songs.song(with);
  REQUIRE(r);
  CHECK(r->loop.kind() == LoopRef::Kind::scene);
  CHECK(r->loop.location() == "http://127.0.0.1/cover.jpg");
  CHECK(r->loop.text() == display_text(with));
  r = songs.song(song("Blur", "Beetlebum"));
  REQUIRE(r);
  CHECK(r->loop == LoopRef::parse("/loops/day.mp4"));
}

TEST_CASE("song switches: --live-loop while a DJ is live, the mapping again when they leave, even on the same song") {
  Dir d;
  std::ofstream(d.path / "dj.mp4") << "x";
  AppConfig cfg = d.mapped();
  cfg.control.live_loop = "dj";
  SongSwitches songs(cfg);
  REQUIRE(songs.reload(TimeZone{}));
  TrackInfo t = song("Air", "Alpha");
  t.sh_id = 7;
  t.live = true;
  t.streamer = "DJ Night";
  auto r = songs.song(t);
  REQUIRE(r);
  CHECK(r->loop.name() == "dj.mp4");  // not the mapping's air.mp4
  CHECK_FALSE(songs.song(t));         // still live, same song: a repeat
  t.live = false;                     // the DJ leaves; AzuraCast names the same play
  r = songs.song(t);
  REQUIRE(r);
  CHECK(r->loop.name() == "air.mp4");

  TrackInfo other = t;
  other.streamer = "DJ Day";  // a new DJ takes over the same play: a change too
  CHECK_FALSE(same_song(t, other));

  AppConfig off = d.mapped();  // without --live-loop a live payload is a song like any other
  SongSwitches plain(off);
  REQUIRE(plain.reload(TimeZone{}));
  TrackInfo live = song("Air", "Alpha");
  live.live = true;
  CHECK(plain.song(live)->loop.name() == "air.mp4");
}

TEST_CASE("song switches: --live-loop @live is the cover with the DJ's name, the default loop without a cover") {
  AppConfig cfg;
  cfg.engine.loop = "/loops/day.mp4";
  cfg.control.live_loop = "@live";
  SongSwitches songs(cfg);
  TrackInfo t = song("Air", "Alpha");
  t.live = true;
  t.streamer = "DJ Night";
  t.art = "http://127.0.0.1/dj.jpg";
  auto r = songs.song(t);
  REQUIRE(r);
  CHECK(r->loop.kind() == LoopRef::Kind::scene);
  CHECK(r->loop.location() == "http://127.0.0.1/dj.jpg");
  CHECK(r->loop.text() == "Live: DJ Night");
  TrackInfo bare = song("Blur", "Beetlebum");
  bare.live = true;
  r = songs.song(bare);
  REQUIRE(r);
  CHECK(r->loop == LoopRef::parse("/loops/day.mp4"));
}
