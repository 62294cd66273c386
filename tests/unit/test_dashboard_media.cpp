// The dashboard's pictures: JPEG encoding of a known frame, the pipeline's keyframe tap and the
// shared snapshot, loop listing and thumbnails (names checked, no path leaves the loops dir).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "api/snapshot.hpp"
#include "control/mapping/loop_catalog.hpp"
#include "engine/encoder.hpp"
#include "engine/video/frame_tap.hpp"
#include "engine/video/jpeg.hpp"
#include "tests/support/jpeg_probe.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
constexpr std::array<uint8_t, 3> kRed{220, 30, 40}, kBlue{20, 60, 210};

// A yuv420p frame (BT.709 limited range, like the stream's) whose left half is `left`, right half `right`.
FramePtr two_colour_frame(int w, int h, std::array<uint8_t, 3> left, std::array<uint8_t, 3> right) {
  FramePtr rgb = make_frame();
  rgb->format = AV_PIX_FMT_RGB24;
  rgb->width = w;
  rgb->height = h;
  REQUIRE(av_frame_get_buffer(rgb.get(), 0) == 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) rgb->data[0][y * rgb->linesize[0] + x * 3 + c] = (x < w / 2 ? left : right)[c];
  FramePtr yuv = make_frame();
  yuv->format = AV_PIX_FMT_YUV420P;
  yuv->width = w;
  yuv->height = h;
  yuv->colorspace = AVCOL_SPC_BT709;
  yuv->color_range = AVCOL_RANGE_MPEG;
  REQUIRE(av_frame_get_buffer(yuv.get(), 0) == 0);
  SwsPtr sws(sws_getContext(w, h, AV_PIX_FMT_RGB24, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  sws_setColorspaceDetails(sws.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16);
  sws_scale(sws.get(), rgb->data, rgb->linesize, 0, h, yuv->data, yuv->linesize);
  return yuv;
}

void check_colour(const std::array<double, 3>& got, std::array<uint8_t, 3> want, double tolerance = 18) {
  for (int c = 0; c < 3; ++c) CHECK_MESSAGE(std::abs(got[c] - want[c]) < tolerance, "channel " << c << ": " << got[c] << " vs " << int(want[c]));
}

// H.264 packets of `frames` copies of `picture` from the stream's own encoder (keyframe first).
std::vector<PacketPtr> encode_h264(const AVFrame* picture, int frames, AVCodecContext** ctx_out, Encoder& enc) {
  EngineConfig cfg;
  cfg.width = picture->width;
  cfg.height = picture->height;
  cfg.preset = "ultrafast";
  auto e = Encoder::video(cfg);
  REQUIRE(e);
  enc = std::move(*e);
  std::vector<PacketPtr> out;
  auto keep = [&](AVPacket* p) {
    PacketPtr copy = make_packet();
    REQUIRE(av_packet_ref(copy.get(), p) == 0);
    out.push_back(std::move(copy));
  };
  FramePtr f = make_frame();
  for (int i = 0; i < frames; ++i) {
    av_frame_unref(f.get());
    REQUIRE(av_frame_ref(f.get(), picture) == 0);
    f->pts = i;
    REQUIRE(enc.encode(f.get(), i == 0, keep));
  }
  REQUIRE(enc.encode(nullptr, false, keep));
  *ctx_out = enc.ctx();
  return out;
}

std::string fixture(const std::string& name) { return std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/" + name; }
}  // namespace

TEST_CASE("a JPEG made from a known frame decodes to its colours, scaled down with the aspect kept") {
  FramePtr frame = two_colour_frame(1280, 720, kRed, kBlue);
  auto jpeg = encode_jpeg(frame.get(), 640);
  REQUIRE_MESSAGE(jpeg, jpeg.error());
  auto img = decode_jpeg(*jpeg);
  REQUIRE_MESSAGE(img, img.error());
  CHECK(img->width == 640);
  CHECK(img->height == 360);
  check_colour(img->mean(0.05, 0.1, 0.4, 0.9), kRed);   // away from the edge the scaler blends
  check_colour(img->mean(0.6, 0.1, 0.95, 0.9), kBlue);
  CHECK(jpeg->size() < 40000);  // a preview, not a master

  // A small picture is never scaled up; an empty one is refused with a reason.
  FramePtr small = two_colour_frame(160, 90, kBlue, kRed);
  auto small_jpeg = encode_jpeg(small.get(), 640);
  REQUIRE(small_jpeg);
  CHECK(decode_jpeg(*small_jpeg)->width == 160);
  FramePtr empty = make_frame();
  auto refused = encode_jpeg(empty.get(), 640);
  CHECK_FALSE(refused);
  CHECK(refused.error().find("empty") != std::string::npos);
}

TEST_CASE("the frame tap keeps keyframes only, at most one per interval, and the snapshot decodes them to the picture on air") {
  FramePtr picture = two_colour_frame(640, 360, kBlue, kRed);
  Encoder enc;
  AVCodecContext* ctx = nullptr;
  auto packets = encode_h264(picture.get(), 90, &ctx, enc);  // 3 s at 30 fps: keyframes at 0, 2 s
  int keyframes = 0;
  for (const auto& p : packets) keyframes += (p->flags & AV_PKT_FLAG_KEY) ? 1 : 0;
  REQUIRE(keyframes >= 2);

  FrameTap tap(std::chrono::milliseconds(60000));  // one a minute: the second keyframe is ignored
  tap.set_stream(ctx);
  SnapshotCache cache([&] { return tap.latest(); }, std::chrono::milliseconds(0));
  auto before = cache.jpeg();
  CHECK_FALSE(before);
  CHECK(before.code() == Errc::unavailable);
  CHECK(tap.latest().seq == 0);
  for (const auto& p : packets) tap.offer(p.get());
  const TapShot shot = tap.latest();
  CHECK(shot.seq == 1);
  REQUIRE(shot.keyframe);
  CHECK((shot.keyframe->flags & AV_PKT_FLAG_KEY) != 0);

  auto jpeg = cache.jpeg();
  REQUIRE_MESSAGE(jpeg, jpeg.error());
  auto img = decode_jpeg(**jpeg);
  REQUIRE(img);
  CHECK(img->width == 640);
  check_colour(img->mean(0.05, 0.1, 0.4, 0.9), kBlue, 24);
  check_colour(img->mean(0.6, 0.1, 0.95, 0.9), kRed, 24);
  // The same keyframe is never encoded twice, however many dashboards ask.
  for (int i = 0; i < 5; ++i) CHECK(cache.jpeg()->get() == jpeg->get());
  CHECK(cache.encodes() == 1);

  FrameTap every(std::chrono::milliseconds(0));
  every.set_stream(ctx);
  for (const auto& p : packets) every.offer(p.get());
  CHECK(every.latest().seq == static_cast<uint64_t>(keyframes));
}

TEST_CASE("the snapshot holds one JPEG for its max age, and none once the stream stops") {
  FramePtr picture = two_colour_frame(320, 180, kRed, kRed);
  Encoder enc;
  AVCodecContext* ctx = nullptr;
  auto packets = encode_h264(picture.get(), 3, &ctx, enc);
  FrameTap tap(std::chrono::milliseconds(0));
  tap.set_stream(ctx);
  tap.offer(packets.front().get());
  bool on_air = true;
  SnapshotCache cache([&] { return on_air ? tap.latest() : TapShot{}; }, std::chrono::milliseconds(60000));
  REQUIRE(cache.jpeg());
  tap.offer(packets.front().get());  // a newer keyframe, but the JPEG is younger than max age
  REQUIRE(cache.jpeg());
  CHECK(cache.encodes() == 1);
  SnapshotCache fresh([&] { return on_air ? tap.latest() : TapShot{}; }, std::chrono::milliseconds(0));
  REQUIRE(fresh.jpeg());
  on_air = false;
  auto stopped = fresh.jpeg();
  CHECK_FALSE(stopped);
  CHECK(stopped.code() == Errc::unavailable);
}

TEST_CASE("loops listing: video files only, sorted, with length and size — thumbnails cached — names never leave the dir") {
  TempDir dir("loopcast-catalog");
  for (const char* f : {"still.mp4", "loop_1s_25fps.mp4", "corrupt.mp4"}) fs::copy_file(fixture(f), dir.path + "/" + f);
  std::ofstream(dir.path + "/notes.txt") << "not a loop";
  fs::create_directory(dir.path + "/sub.mp4");  // a directory named like a loop
  LoopCatalog cat(dir.path, VideoFormat{320, 180, AV_PIX_FMT_YUV420P});

  const auto list = cat.list();
  REQUIRE(list.size() == 3);
  CHECK(list[0].name == "corrupt.mp4");
  CHECK(list[1].name == "loop_1s_25fps.mp4");
  CHECK(list[2].name == "still.mp4");
  CHECK_FALSE(list[0].error.empty());  // shown with its reason, not hidden
  CHECK(list[1].duration == doctest::Approx(1.0).epsilon(0.1));
  CHECK(list[1].size == fs::file_size(fixture("loop_1s_25fps.mp4")));
  CHECK(list[1].path == dir.path + "/loop_1s_25fps.mp4");
  CHECK(list[1].error.empty());

  auto red = cat.thumbnail("still.mp4");
  REQUIRE_MESSAGE(red, red.error());
  auto img = decode_jpeg(**red);
  REQUIRE(img);
  CHECK(img->width == 320);
  CHECK(img->height == 180);
  // The fixture is a red square still: shown square (--fit contain) at x 70..249, black bars beside.
  check_colour(img->mean(0.3, 0.2, 0.7, 0.8), {255, 0, 0}, 30);
  CHECK(cat.thumbnail("still")->get() == red->get());         // without extension; decoded once

  for (const char* bad : {"../outside.mp4", "..", "a/b.mp4", "..\\x.mp4", ""}) {
    auto r = cat.thumbnail(bad);
    CHECK_MESSAGE(!r, bad);
    CHECK_MESSAGE(r.code() == Errc::invalid, bad);
  }
  for (const char* missing : {"nope", "notes.txt", "notes", "sub.mp4"}) {
    auto r = cat.thumbnail(missing);
    CHECK_MESSAGE(!r, missing);
    CHECK_MESSAGE(r.code() == Errc::not_found, missing);
  }
  auto corrupt = cat.thumbnail("corrupt.mp4");
  CHECK_FALSE(corrupt);
  CHECK(corrupt.code() == Errc::internal);
  CHECK(corrupt.error().find("corrupt.mp4") != std::string::npos);
}

TEST_CASE("the shipped loops' thumbnails look like them: sunset warm, ocean dark blue") {
  LoopCatalog cat(std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops", VideoFormat{320, 180, AV_PIX_FMT_YUV420P});
  auto sunset = decode_jpeg(**cat.thumbnail("sunset"));
  auto ocean = decode_jpeg(**cat.thumbnail("ocean"));
  REQUIRE(sunset);
  REQUIRE(ocean);
  const auto s = sunset->mean(), o = ocean->mean();
  MESSAGE("sunset rgb " << s[0] << "," << s[1] << "," << s[2] << "; ocean rgb " << o[0] << "," << o[1] << "," << o[2]);
  CHECK(s[0] > s[2] + 40);
  CHECK(o[2] > 2 * o[0]);
  CHECK(o[0] < 40);
}
