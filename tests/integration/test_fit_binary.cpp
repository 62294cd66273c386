// Issue 26 through the real binary, recorded to FLV files and read back pixel by pixel: a phone's
// portrait loop (stored sideways, display matrix) in encode mode comes out upright between black
// bars, and a 4:3 loop prepared with `loopcast prepare` and streamed in splice mode shows the same
// pillar-box bars as encode mode.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/picture_probe.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {

// `loopcast run` 2 s as fast as it can into `flv` at 320x180 (file output: no rig needed); its log.
std::string record(const std::vector<std::string>& extra, const std::string& flv) {
  std::vector<std::string> args{"--output", flv, "--size", "320x180", "--vbitrate", "400k", "--no-realtime", "--duration", "2",
                                "--http-port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  Loopcast lc(args);
  REQUIRE_MESSAGE(lc.wait(60) == 0, lc.log());
  return lc.log();
}

std::string hue(const AVFrame* f, int x, int y) { return to_string(hue_at(f, x, y)); }

// A 4:3 picture (lime between a red band on top and a blue one below) pillar-boxed in 320x180:
// 240 wide at x 40..279.
void check_pillar_boxed_4x3(const std::string& flv, int frame) {
  CAPTURE(flv);
  CAPTURE(frame);
  auto f = decode_picture(flv, frame);
  REQUIRE_MESSAGE(f, f.error());
  REQUIRE((*f)->width == 320);
  REQUIRE((*f)->height == 180);
  for (int y : {4, 60, 90, 120, 175}) {
    CAPTURE(y);
    for (int x : {2, 20, 36, 284, 300, 317}) CHECK(hue(f->get(), x, y) == "black");
    CHECK(hue(f->get(), 46, y) != "black");
    CHECK(hue(f->get(), 274, y) != "black");
  }
  CHECK(hue(f->get(), 160, 8) == "red");
  CHECK(hue(f->get(), 160, 90) == "lime");
  CHECK(hue(f->get(), 160, 172) == "blue");
}
}  // namespace

TEST_CASE("fit: the binary in encode mode shows a phone's portrait loop upright between black bars") {
  const TempDir dir("fit-encode");
  const std::string flv = dir.path + "/phone.flv";
  record({"--loop", fixture("fit_rot90.mp4")}, flv);  // --fit contain: the default
  for (int frame : {0, 45}) {  // the first picture, and one after a wrap of the 1 s loop
    CAPTURE(frame);
    auto f = decode_picture(flv, frame);
    REQUIRE_MESSAGE(f, f.error());
    // Shown 90x160, it is 102x180 at x 108..209: bars either side, red on top, blue below.
    for (int y : {4, 60, 120, 175}) {
      CAPTURE(y);
      for (int x : {2, 50, 100, 218, 270, 317}) CHECK(hue(f->get(), x, y) == "black");
    }
    for (int y : {8, 40, 80}) CHECK(hue(f->get(), 160, y) == "red");
    for (int y : {100, 140, 172}) CHECK(hue(f->get(), 160, y) == "blue");
  }
  // --fit cover fills the frame with the middle of the same picture, still upright.
  const std::string covered = dir.path + "/cover.flv";
  record({"--loop", fixture("fit_rot90.mp4"), "--fit", "cover"}, covered);
  auto f = decode_picture(covered, 0);
  REQUIRE_MESSAGE(f, f.error());
  for (int x : {4, 160, 316}) {
    CHECK(hue(f->get(), x, 20) == "red");
    CHECK(hue(f->get(), x, 160) == "blue");
  }
}

TEST_CASE("fit: loopcast prepare and splice mode show a 4:3 loop between the same black bars as encode mode") {
  const TempDir dir("fit-splice");
  fs::create_directory(dir.path + "/loops");
  fs::copy_file(fixture("fit_4x3.mp4"), dir.path + "/loops/four3.mp4");
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "400k", "--cache-dir", dir.path + "/cache", "--loops-dir",
                                         dir.path + "/loops"};
  std::vector<std::string> prep{LOOPCAST_BINARY, "prepare"};
  prep.insert(prep.end(), profile.begin(), profile.end());
  const std::string prep_log = dir.path + "/prepare.log";
  KilledAtExit preparing(spawn(prep, prep_log));
  REQUIRE_MESSAGE(wait_exit(preparing.pid, 120) == 0, read_text(prep_log));
  preparing.pid = -1;
  REQUIRE(fs::exists(dir.path + "/cache"));
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path + "/cache")) entries += e.path().extension() == ".mp4";
  CHECK(entries == 1);

  std::vector<std::string> splice{"--video-mode", "splice", "--loop", "four3.mp4"};
  splice.insert(splice.end(), profile.begin(), profile.end());
  const std::string splice_log = record(splice, dir.path + "/splice.flv");
  CHECK(splice_log.find("spliced from cache") != std::string::npos);
  CHECK(splice_log.find("encoding loop") == std::string::npos);  // prepare's entry, not a new one
  std::vector<std::string> encode{"--loop", "four3.mp4"};
  encode.insert(encode.end(), profile.begin(), profile.end());
  record(encode, dir.path + "/encode.flv");
  for (int frame : {0, 40}) {
    check_pillar_boxed_4x3(dir.path + "/splice.flv", frame);
    check_pillar_boxed_4x3(dir.path + "/encode.flv", frame);
  }
}
