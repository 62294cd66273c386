// The dashboard's routes over real HTTP: snapshot.jpg, the loops list and thumbnails, recent
// events (GET and in the SSE stream), and the page that uses them.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "api/dashboard_page.hpp"
#include "api/http_server.hpp"
#include "engine/encoder.hpp"
#include "tests/support/api_fixture.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/jpeg_probe.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
// The loops directory is the one setting these tests change.
struct Api : loopcast::test::ApiFixture {
  explicit Api(std::string loops_dir) : ApiFixture(with_loops(std::move(loops_dir))) {}
  static ControlConfig with_loops(std::string dir) {
    ControlConfig cfg;
    cfg.loops_dir = std::move(dir);
    return cfg;
  }
};

std::string assets() { return std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops"; }

// A one-keyframe tap shot of a flat colour, as the pipeline's tap would hold it.
TapShot green_shot(Encoder& enc) {
  EngineConfig cfg;
  cfg.width = 320;
  cfg.height = 180;
  cfg.preset = "ultrafast";
  auto e = Encoder::video(cfg);
  REQUIRE(e);
  enc = std::move(*e);
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = 320;
  f->height = 180;
  REQUIRE(av_frame_get_buffer(f.get(), 0) == 0);
  // BT.709 limited-range green (0, 200, 0): Y 130, Cb 70, Cr 59.
  for (int p = 0; p < 3; ++p)
    for (int y = 0; y < (p ? 90 : 180); ++y) memset(f->data[p] + y * f->linesize[p], p == 0 ? 130 : p == 1 ? 70 : 59, p ? 160 : 320);
  FrameTap tap(std::chrono::milliseconds(0));
  tap.set_stream(enc.ctx());
  f->pts = 0;
  REQUIRE(enc.encode(f.get(), true, [&](AVPacket* p) { tap.offer(p); }));
  REQUIRE(enc.encode(nullptr, false, [&](AVPacket* p) { tap.offer(p); }));
  return tap.latest();
}
}  // namespace

TEST_CASE("GET /api/v1/snapshot.jpg: 503 with a JSON error before the first frame, then the picture on air") {
  Api a(assets());
  auto none = a.client->Get("/api/v1/snapshot.jpg");
  REQUIRE(none);
  CHECK(none->status == 503);
  CHECK(none->get_header_value("Content-Type") == "application/json");
  CHECK(none->body.find("\"error\":\"no picture on air yet\"") != std::string::npos);

  Encoder enc;
  {
    std::lock_guard lk(a.ctl.mu);
    a.ctl.shot = green_shot(enc);
  }
  auto r = a.client->Get("/api/v1/snapshot.jpg");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "image/jpeg");
  CHECK(r->get_header_value("Cache-Control") == "no-store");
  auto img = decode_jpeg(r->body);
  REQUIRE_MESSAGE(img, img.error());
  CHECK(img->width == 320);
  const auto rgb = img->mean();
  CHECK(rgb[1] > 150);
  CHECK(rgb[0] < 60);
  CHECK(rgb[2] < 60);
}

TEST_CASE("GET /api/v1/loops lists name, duration, size, on-air and a thumbnail URL that serves a JPEG") {
  Api a(assets());
  a.ctl.snapshot.loop = assets() + "/ocean.mp4";
  auto r = a.client->Get("/api/v1/loops");
  REQUIRE(r);
  CHECK(r->status == 200);
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  REQUIRE(d.IsObject());
  const auto& loops = d["loops"];
  REQUIRE(loops.Size() == 2);
  CHECK(std::string(loops[0]["name"].GetString()) == "ocean.mp4");
  CHECK(loops[0]["on_air"].GetBool());
  CHECK(std::string(loops[1]["name"].GetString()) == "sunset.mp4");
  CHECK_FALSE(loops[1]["on_air"].GetBool());
  CHECK(loops[1]["duration"].GetDouble() == doctest::Approx(8.0).epsilon(0.05));
  CHECK(loops[1]["size"].GetUint64() == fs::file_size(assets() + "/sunset.mp4"));
  const std::string thumb = loops[1]["thumbnail"].GetString();
  CHECK(thumb == "/api/v1/loops/sunset.mp4/thumb.jpg");
  auto t = a.client->Get(thumb);
  REQUIRE(t);
  CHECK(t->status == 200);
  CHECK(t->get_header_value("Content-Type") == "image/jpeg");
  CHECK(decode_jpeg(t->body));
}

TEST_CASE("loop thumbnails: unknown names 404, path tricks are refused, nothing outside the loops dir is read") {
  TempDir dir("loopcast-thumbs");
  fs::copy_file(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/still.mp4", dir.path + "/red loop.mp4");
  Api a(dir.path);
  auto ok = a.client->Get("/api/v1/loops/red%20loop.mp4/thumb.jpg");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto missing = a.client->Get("/api/v1/loops/nope/thumb.jpg");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->body.find("no loop named 'nope'") != std::string::npos);
  for (const char* path : {"/api/v1/loops/../thumb.jpg", "/api/v1/loops/..%2F..%2Fetc%2Fpasswd/thumb.jpg", "/api/v1/loops/%2E%2E/thumb.jpg",
                           "/api/v1/loops/..%5Cx.mp4/thumb.jpg", "/api/v1/loops/a/b/thumb.jpg"}) {
    auto r = a.client->Get(path);
    REQUIRE(r);
    CHECK_MESSAGE((r->status == 400 || r->status == 404), path << " → " << r->status);
    CHECK_MESSAGE(r->get_header_value("Content-Type") == "application/json", path);
  }
}

TEST_CASE("recent events: GET /api/v1/events/recent and \"log\" events in the SSE stream") {
  Api a(assets());
  a.ctl.event_log.add(EventKind::start, "stream started on loop 'sunset.mp4'");
  a.ctl.event_log.add(EventKind::switched, "loop 'ocean.mp4' on air (api)");
  auto r = a.client->Get("/api/v1/events/recent");
  REQUIRE(r);
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  REQUIRE(d.IsObject());
  REQUIRE(d["events"].Size() == 2);
  CHECK(std::string(d["events"][1]["kind"].GetString()) == "switch");
  CHECK(std::string(d["events"][1]["text"].GetString()) == "loop 'ocean.mp4' on air (api)");

  // SSE: the whole ring first, then only what is new.
  std::string stream;
  httplib::Client sse("127.0.0.1", a.server->port());
  sse.set_read_timeout(5, 0);
  const std::string marker = "event: log\ndata: [";
  bool added = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  sse.Get("/api/v1/events", [&](const char* data, size_t n) {
    stream.append(data, n);
    const auto at = stream.find(marker);
    if (at != std::string::npos && !added) {
      a.ctl.event_log.add(EventKind::error, "output lost");
      added = true;
    }
    if (std::chrono::steady_clock::now() > until) return false;
    return at == std::string::npos || stream.find(marker, at + 1) == std::string::npos;  // until the second "log"
  });
  const auto first = stream.find(marker);
  REQUIRE(first != std::string::npos);
  CHECK(stream.find("\"seq\":1", first) != std::string::npos);
  const auto second = stream.find(marker, first + 1);
  REQUIRE(second != std::string::npos);
  CHECK(stream.find("\"seq\":3", second) != std::string::npos);
  CHECK(stream.find("\"seq\":1", second) == std::string::npos);
}

TEST_CASE("the dashboard page wires the preview, the loop picker, the events list and the sparkline") {
  const std::string& page = dashboard_page();
  for (const char* part : {"/api/v1/snapshot.jpg", "/api/v1/loops", "/api/v1/events/recent", "id=\"spark\"", "id=\"events\"",
                           "addEventListener('log'"})
    CHECK_MESSAGE(page.find(part) != std::string::npos, part);
  CHECK(page.find("id=\"loopname\"") == std::string::npos);  // the free-text field gave way to the picker
  CHECK(page.find("http://") == std::string::npos);          // self-contained: no external assets
  CHECK(page.find("https://") == std::string::npos);
}
