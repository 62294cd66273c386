// The output backlog policy: measured in media time, drops by priority, never audio, never the
// keyframe the next video starts from.
#include <doctest/doctest.h>

#include <cstddef>

#include "engine/output/backlog.hpp"

using namespace loopcast;

namespace {
// A 30 fps stream with a keyframe every `gop` frames, B-frames (disposable) at every odd frame
// inside a GOP when `bframes`, and an AAC packet (23 ms) after every video packet.
std::vector<QueuedPacketInfo> stream(double seconds, int gop, bool bframes, double start_s = 0) {
  std::vector<QueuedPacketInfo> q;
  const int frames = static_cast<int>(seconds * 30);
  for (int n = 0; n < frames; ++n) {
    const int64_t t = static_cast<int64_t>((start_s + n / 30.0) * 1e6);
    const bool key = n % gop == 0;
    q.push_back({t, true, key, bframes && !key && n % 2 == 1});
    q.push_back({t + 1000, false, false, false});
  }
  return q;
}

size_t count(const std::vector<QueuedPacketInfo>& q, const DropPlan& p, bool (*pred)(const QueuedPacketInfo&)) {
  size_t n = 0;
  for (size_t i = 0; i < p.drop.size(); ++i) n += p.drop[i] && pred(q[i]);
  return n;
}
bool audio(const QueuedPacketInfo& p) { return !p.video; }
bool key(const QueuedPacketInfo& p) { return p.video && p.key; }
bool reference(const QueuedPacketInfo& p) { return p.video && !p.disposable; }
bool any(const QueuedPacketInfo&) { return true; }
}  // namespace

TEST_CASE("a backlog under the first limit drops nothing") {
  const auto q = stream(1.9, 60, true);
  CHECK(buffered_s(q) < 2.0);
  CHECK(plan_drops(q, BacklogLimits{}).level == DropLevel::none);
}

TEST_CASE("the backlog is measured in media time, not packets") {
  CHECK(buffered_s(stream(3.0, 60, false)) == doctest::Approx(3.0 - 1 / 30.0).epsilon(0.01));
  std::vector<QueuedPacketInfo> audio_only{{0, false, false, false}, {1'500'000, false, false, false}};
  CHECK(buffered_s(audio_only) == doctest::Approx(1.5));
}

TEST_CASE("past the first limit only non-reference frames go, audio and keyframes stay") {
  const auto q = stream(3.0, 60, true);
  const DropPlan p = plan_drops(q, BacklogLimits{});
  REQUIRE(p.level == DropLevel::disposable);
  CHECK(count(q, p, any) == 45);  // every B-frame of 90 frames
  CHECK(count(q, p, audio) == 0);
  CHECK(count(q, p, reference) == 0);
  CHECK_FALSE(p.wait_keyframe);
}

TEST_CASE("without B-frames the first limit has nothing to drop and the queue waits for the second") {
  const auto q = stream(3.0, 60, false);
  const DropPlan p = plan_drops(q, BacklogLimits{});
  CHECK(count(q, p, any) == 0);
}

TEST_CASE("past the second limit video jumps to the newest queued keyframe and keeps its GOP") {
  const auto q = stream(4.5, 60, false);  // keyframes at 0, 2, 4 s
  const DropPlan p = plan_drops(q, BacklogLimits{});
  REQUIRE(p.level == DropLevel::gop);
  CHECK(count(q, p, audio) == 0);
  CHECK(count(q, p, key) == 2);      // the stale GOPs' keyframes at 0 and 2 s
  for (size_t i = 0; i < q.size(); ++i)
    if (q[i].video) CHECK(p.drop[i] == (q[i].dts_us < 4'000'000));  // the 4 s GOP is whole
  CHECK_FALSE(p.wait_keyframe);
}

TEST_CASE("a GOP longer than the second limit keeps its keyframe and waits for the next one") {
  const auto q = stream(5.0, 300, false);  // one keyframe, at 0
  const DropPlan p = plan_drops(q, BacklogLimits{});
  REQUIRE(p.level == DropLevel::gop);
  CHECK(p.wait_keyframe);
  CHECK_FALSE(p.drop[0]);  // the keyframe the viewer needs
  CHECK(count(q, p, audio) == 0);
  CHECK(count(q, p, any) == 149);
}

TEST_CASE("a queue that starts mid-GOP with no keyframe drops its video and waits for a keyframe") {
  auto q = stream(4.5, 1000, false);
  q[0].key = false;
  const DropPlan p = plan_drops(q, BacklogLimits{});
  CHECK(p.wait_keyframe);
  CHECK(count(q, p, any) == 135);  // all video
  CHECK(count(q, p, audio) == 0);
}

TEST_CASE("only an ingest that cannot carry the audio loses the audio") {
  std::vector<QueuedPacketInfo> q;
  for (int n = 0; n < 500; ++n) q.push_back({n * 23'000, false, false, false});  // 11.5 s of AAC
  const DropPlan p = plan_drops(q, BacklogLimits{});
  CHECK(p.level == DropLevel::all);
  CHECK(p.wait_keyframe);
  CHECK(plan_drops(std::vector<QueuedPacketInfo>(q.begin(), q.begin() + 300), BacklogLimits{}).level == DropLevel::none);
}
