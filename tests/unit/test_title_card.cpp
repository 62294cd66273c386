// Title cards composed ahead (issue 22): where a card ends and its loop resumes, the splicer
// entering a card and handing back to its loop with exact timestamps, the splice path's "never
// wait" rules (late, skipped, repeats), and a real compose over a real cached loop.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "engine/picture/title_card.hpp"
#include "engine/splice/cache_builder.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/card_cache.hpp"
#include "engine/splice/card_composer.hpp"
#include "engine/splice/splice_path.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/proc.hpp"
#include "tests/support/synthetic_loop.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

using namespace loopcast;
using loopcast::test::fixture;
using loopcast::test::StreamCheck;
using loopcast::test::synthetic_loop;
namespace fs = std::filesystem;

namespace {
// A card segment of `frames` over `loop` (tag 'c' = 2 on every packet), resuming at `resume`.
std::shared_ptr<const CardSegment> synthetic_card(const CachedLoop& loop, int gop, int64_t frames, int64_t resume) {
  auto seg = std::make_shared<CardSegment>();
  seg->frames = std::shared_ptr<const CachedLoop>(synthetic_loop(static_cast<int>(frames), gop, 2));
  seg->for_loop = loop.source();
  seg->resume = resume;
  return seg;
}
uint8_t tag(const SplicedPacket& p) { return p.packet->pkt->data[0]; }
}  // namespace

TEST_CASE("title card plan: ends where the loop has an IDR, as short as that allows") {
  for (int64_t n : {15, 30, 61, 75, 97, 301, 600})
    for (int gop : {12, 15, 60})
      for (int64_t want : {1, 30, 59, 60, 61, 240, 700}) {
        if (n < gop) continue;  // a cached loop holds at least one GOP
        const CardPlan p = plan_card(n, gop, want);
        REQUIRE(p.frames >= want);
        REQUIRE(p.resume == p.frames % n);
        REQUIRE(p.resume % gop == 0);
        for (int64_t c = want; c < p.frames; ++c) REQUIRE((c % n) % gop != 0);  // none shorter
      }
  CHECK(plan_card(301, 60, 240).frames == 240);  // the loop's IDR at 240
  CHECK(plan_card(75, 60, 80).frames == 135);     // 75 + 60: its IDRs are at 0 and 60 only
  CHECK(plan_card(0, 60, 10).frames == 0);
}

TEST_CASE("splicer: a card enters with its loop, plays once, and the loop goes on at its IDR") {
  const int gop = 60;
  Splicer sp(synthetic_loop(97, gop, 1), 2);
  std::unique_ptr<CachedLoop> pending;
  QueuedCard none;
  StreamCheck check{gop};
  for (int i = 0; i < 50; ++i) check.take(sp.next(pending, none));
  auto next = synthetic_loop(301, gop, 0);
  QueuedCard card{synthetic_card(*next, gop, 240, 240), false};
  pending = std::move(next);
  int64_t entered = -1;
  for (int64_t n = 50; n < 2000; ++n) {
    const SplicedPacket p = sp.next(pending, card);
    check.take(p);
    if (p.card) {
      REQUIRE(p.switched);  // with the loop's switch, not after it
      entered = p.pts;
    }
    if (entered >= 0 && p.pts >= entered && p.pts < entered + 240) CHECK(tag(p) == 2);
    if (entered >= 0 && p.pts >= entered + 240 && p.pts < entered + 240 + 61) {
      CHECK(tag(p) == 0);
      CHECK(p.pts - entered == p.packet->pts);  // the loop's own frame 240.. shown right after the card's 239
    }
  }
  REQUIRE(entered >= 50);
  REQUIRE(entered <= 53);
  CHECK_FALSE(sp.in_card());
}

TEST_CASE("splicer: random songs, cards and repeats keep DTS +1, no hole, keyframes within one GOP") {
  const int gop = 60;
  const std::vector<int> lengths = {301, 97, 75, 600};
  std::mt19937 rng(11);
  Splicer sp(synthetic_loop(lengths[0], gop, 0), 2);
  StreamCheck check{gop};
  std::unique_ptr<CachedLoop> pending;
  QueuedCard card;
  int cards = 0, stale = 0;
  for (int64_t n = 0; n < 400'000; ++n) {
    if (!pending && !card.segment && rng() % 300 == 0) {
      const int which = static_cast<int>(rng() % lengths.size());
      auto loop = synthetic_loop(lengths[which], gop, static_cast<uint8_t>(which));
      const CardPlan plan = plan_card(loop->frames(), gop, 30 + static_cast<int64_t>(rng() % 300));
      card = QueuedCard{synthetic_card(*loop, gop, plan.frames, plan.resume), rng() % 3 == 0};
      if (rng() % 2) pending = std::move(loop);  // a new loop, or a card over the loop on air
      else if (loop->source() != sp.current().source()) ++stale;  // for a loop not on air: dropped
    }
    const SplicedPacket p = sp.next(pending, card);
    check.take(p);
    if (p.card) {
      ++cards;
      REQUIRE(p.packet->key);
    }
  }
  CHECK(cards > 300);
  CHECK(stale > 50);
}

TEST_CASE("splice path: a card never delays the song, is shown late within its length, else skipped") {
  const int gop = 60;
  EngineConfig cfg;
  cfg.fps = 30;
  cfg.title_card.seconds = 8;
  auto path = SplicePath::create(synthetic_loop(301, gop, 0), cfg);
  REQUIRE(path);
  SplicePath& sp = **path;
  bool switched = false;
  auto run = [&](int frames) {
    int cards = 0;
    for (int i = 0; i < frames; ++i)
      if (sp.next(&switched)->data[0] == 2) ++cards;
    return cards;
  };
  auto plain = synthetic_loop(301, gop, 0);
  const CardPlan plan = plan_card(301, gop, 240);

  // Ready in time: on air at the next clean cut (same loop: no switch), 240 card frames.
  auto ready = std::make_shared<CardSlot>("A \u2013 One");
  ready->fulfil(synthetic_card(*plain, gop, plan.frames, plan.resume), 1.5);
  sp.show_card(ready);
  CHECK(run(400) == 240);
  CHECK(sp.cards().shown == 1);
  CHECK(sp.cards().late == 0);
  CHECK(sp.cards().last_prepare_s == doctest::Approx(1.5));

  // Late: the song plays its plain loop; the card follows when composed, within 8 s.
  auto late = std::make_shared<CardSlot>("B \u2013 Two");
  sp.show_card(late);
  CHECK(run(90) == 0);
  late->fulfil(synthetic_card(*plain, gop, plan.frames, plan.resume), 4);
  CHECK(run(300) == 240);
  CHECK(sp.cards().late == 1);
  CHECK(sp.cards().shown == 2);

  // Too late: never shown, counted as skipped; a failed compose too.
  auto never = std::make_shared<CardSlot>("C \u2013 Three");
  sp.show_card(never);
  CHECK(run(8 * 30 + 10) == 0);
  never->fulfil(synthetic_card(*plain, gop, plan.frames, plan.resume), 20);
  CHECK(run(300) == 0);
  auto failed = std::make_shared<CardSlot>("D \u2013 Four");
  failed->fail("no font");
  sp.show_card(failed);
  CHECK(run(300) == 0);
  CHECK(sp.cards().skipped == 2);
  CHECK(sp.cards().shown == 2);
}

TEST_CASE("splice path: --title-card-every shows the song's card again at a pass start") {
  const int gop = 60;
  EngineConfig cfg;
  cfg.fps = 30;
  cfg.title_card.seconds = 2;
  cfg.title_card.every = 20;
  auto path = SplicePath::create(synthetic_loop(301, gop, 0), cfg);
  REQUIRE(path);
  auto plain = synthetic_loop(301, gop, 0);
  const CardPlan plan = plan_card(301, gop, 60);
  auto slot = std::make_shared<CardSlot>("A \u2013 One");
  slot->fulfil(synthetic_card(*plain, gop, plan.frames, plan.resume), 1);
  (*path)->show_card(slot);
  bool switched = false;
  std::vector<int64_t> starts;
  uint8_t last = 0;
  for (int64_t n = 0; n < 30 * 70; ++n) {
    const AVPacket* p = (*path)->next(&switched);
    if (p->data[0] == 2 && last != 2) starts.push_back(n);
    last = p->data[0];
  }
  // Once at once, then every 20 s at the next pass start (a 301-frame pass: up to 10 s later).
  REQUIRE(starts.size() >= 3);
  for (size_t i = 1; i < starts.size(); ++i) {
    CHECK(starts[i] - starts[i - 1] >= 20 * 30);
    CHECK(starts[i] - starts[i - 1] <= 20 * 30 + 301 + 60);
  }
  CHECK((*path)->cards().shown == starts.size());
}

TEST_CASE("title card compose: the loop's SPS/PPS, the band drawn over the card only, cached and reused") {
  const loopcast::test::TempDir tmp("cards");
  EngineConfig cfg;
  cfg.width = 320;
  cfg.height = 180;
  cfg.fps = 30;
  cfg.video_bitrate = 300'000;
  cfg.keyframe_interval = 0.5;  // GOP 15
  cfg.title_card.seconds = 1.2; // 36 frames over a 30-frame loop: the card spans a wrap
  auto plain = build_cache(fixture("loop_1s_25fps.mp4"), tmp.path + "/plain.mp4", cfg);
  REQUIRE_MESSAGE(plain, plain.error());
  const CardText text{"Ærtist \u2013 \u6771\u4eac Title \U0001F3B5", card_subline("The Album", "Next \u2013 Song")};
  auto card = compose_card(**plain, text, cfg, tmp.path + "/cards", 1 << 30);
  REQUIRE_MESSAGE(card, card.error());
  const CardSegment& seg = *card->segment;
  CHECK_FALSE(card->from_cache);
  CHECK(seg.frames->frames() == 45);  // 36 rounded up to where the loop has an IDR: 45 % 30 = 15
  CHECK(seg.resume == 15);
  CHECK(seg.frames->extradata() == (*plain)->extradata());
  CHECK(seg.for_loop == (*plain)->source());
  for (int64_t k = 0; k < seg.frames->frames(); ++k) CHECK(seg.frames->packet(k).key == (seg.frames->packet(k).pts % 15 == 0));

  // Decoded: the band's rows differ from the loop during the card, not after it; above it, alike.
  auto decode = [](const CachedLoop& l) {
    const AVCodec* c = avcodec_find_decoder(AV_CODEC_ID_H264);
    CodecCtxPtr d(avcodec_alloc_context3(c));
    d->extradata = static_cast<uint8_t*>(av_mallocz(l.extradata().size() + AV_INPUT_BUFFER_PADDING_SIZE));
    std::copy(l.extradata().begin(), l.extradata().end(), d->extradata);
    d->extradata_size = static_cast<int>(l.extradata().size());
    REQUIRE(avcodec_open2(d.get(), c, nullptr) >= 0);
    std::vector<std::vector<uint8_t>> lumas;
    FramePtr f = make_frame();
    auto drain = [&] {
      while (avcodec_receive_frame(d.get(), f.get()) >= 0) {
        std::vector<uint8_t> y(static_cast<size_t>(f->width * f->height));
        for (int r = 0; r < f->height; ++r) std::copy_n(f->data[0] + r * f->linesize[0], f->width, y.begin() + r * f->width);
        lumas.push_back(std::move(y));
      }
    };
    for (int64_t k = 0; k < l.frames(); ++k) {
      REQUIRE(avcodec_send_packet(d.get(), l.packet(k).pkt.get()) >= 0);
      drain();
    }
    avcodec_send_packet(d.get(), nullptr);
    drain();
    return lumas;
  };
  const auto card_y = decode(*seg.frames), loop_y = decode(**plain);
  REQUIRE(card_y.size() == 45);
  auto mean_diff = [&](const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int row0, int row1) {
    double sum = 0;
    for (int r = row0; r < row1; ++r)
      for (int x = 0; x < 320; ++x) sum += std::abs(a[r * 320 + x] - b[r * 320 + x]);
    return sum / ((row1 - row0) * 320);
  };
  const int band0 = 110, band1 = 160;  // inside the lower third band at 180 lines
  CHECK(mean_diff(card_y[5], loop_y[5], band0, band1) > 15);    // drawn
  CHECK(mean_diff(card_y[40], loop_y[10], band0, band1) < 6);   // after the card: the plain picture
  CHECK(mean_diff(card_y[5], loop_y[5], 0, 60) < 6);            // above the band: the loop

  auto again = compose_card(**plain, text, cfg, tmp.path + "/cards", 1 << 30);
  REQUIRE(again);
  CHECK(again->from_cache);
  CHECK(again->segment->frames->frames() == 45);
}

TEST_CASE("title card: a font that is gone falls back to the system's, the card cache keeps the most recently used") {
  TitleCardConfig tc;
  tc.font = "/nonexistent/font.ttf";  // (refused at start by validate(); a file gone later is drawn with fontconfig's default)
  auto p = TitleCardPainter::create(tc, 320, 180, CardText{"A \u2013 B", "\u6771\u4eac"});
  REQUIRE_MESSAGE(p, p.error());
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUV420P, f->width = 320, f->height = 180;
  REQUIRE(av_frame_get_buffer(f.get(), 0) >= 0);
  for (int plane = 0; plane < 3; ++plane) std::fill_n(f->data[plane], f->linesize[plane] * (plane ? 90 : 180), uint8_t{128});
  auto drawn = (*p)->paint(f.get());
  REQUIRE_MESSAGE(drawn, drawn.error());
  CHECK((*drawn)->data[0][150 * (*drawn)->linesize[0] + 300] < 100);  // the band
  CHECK(card_subline("", "") == "");
  CHECK(card_subline("Album", "") == "Album");
  CHECK(card_subline("", "X \u2013 Y") == "Up next: X \u2013 Y");

  const loopcast::test::TempDir tmp("cardlru");
  for (int i = 0; i < 5; ++i) {
    std::ofstream(tmp.path + "/" + std::to_string(i) + ".mp4") << std::string(1000, 'x');
    fs::last_write_time(tmp.path + "/" + std::to_string(i) + ".mp4", fs::file_time_type::clock::now() - std::chrono::hours(10 - i));
  }
  touch_card(tmp.path + "/0.mp4");  // the oldest, used again: now the newest
  CHECK(trim_card_cache(tmp.path, 2500, tmp.path + "/4.mp4") == 3);
  CHECK(fs::exists(tmp.path + "/0.mp4"));
  CHECK(fs::exists(tmp.path + "/4.mp4"));
  CHECK_FALSE(fs::exists(tmp.path + "/1.mp4"));
}
