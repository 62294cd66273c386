#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/input/jitter_buffer.hpp"
#include "tests/support/proc.hpp"

using loopcast::JitterBuffer;

namespace {
struct Planes {
  explicit Planes(int n, float v = 0) : l(n, v), r(n, v), p{reinterpret_cast<uint8_t*>(l.data()), reinterpret_cast<uint8_t*>(r.data())} {}
  std::vector<float> l, r;
  uint8_t* p[2];
};
const std::atomic<bool> kNoAbort{false};
}  // namespace

TEST_CASE("silence until the target level is buffered, then the real samples in order") {
  JitterBuffer jb(1000, 2, 0.1, 0.5);  // 100-sample target
  Planes in(60, 0.5f), out(50, 9.f);
  jb.write(in.p, 60, false, kNoAbort);
  CHECK(jb.read(out.p, 50) == 0);  // 60 < 100: still buffering
  CHECK(out.l[0] == 0.f);
  CHECK(jb.playing() == false);
  jb.write(in.p, 60, false, kNoAbort);
  CHECK(jb.playing());  // 120 ≥ 100: the next read plays
  CHECK(jb.read(out.p, 50) == 50);
  CHECK(out.l[49] == 0.5f);
  CHECK(jb.level() == doctest::Approx(0.07));
}

TEST_CASE("an underrun gives silence, counts once, and rebuffers") {
  JitterBuffer jb(1000, 2, 0.05, 0.5);
  Planes in(50, 1.f), out(80, 9.f);
  jb.write(in.p, 50, false, kNoAbort);
  CHECK(jb.read(out.p, 80) == 50);
  CHECK(out.l[37] == 1.f);
  CHECK(out.l[49] < 0.1f);  // the last 12 ms fade out instead of stopping dead
  CHECK(out.l[50] == 0.f);  // the short part is silence
  CHECK(jb.underruns() == 1);
  CHECK(jb.read(out.p, 80) == 0);
  CHECK(jb.underruns() == 1);
}

TEST_CASE("a live burst up to the maximum is kept — beyond it, trimmed to the target after a fade") {
  JitterBuffer jb(1000, 2, 0.1, 3.0);
  Planes burst(1000, 1.f), out(100);
  jb.write(burst.p, 1000, false, kNoAbort);  // 1 s at once, like Icecast's connect burst
  CHECK(jb.level() == doctest::Approx(1.0));
  CHECK(jb.dropped_samples() == 0);
  Planes more(2500, 1.f);
  jb.write(more.p, 2500, false, kNoAbort);  // 3.5 s > 3 s: down to the target
  CHECK(jb.dropped_samples() == 3500 - 100 - 12);
  CHECK(jb.read(out.p, 100) == 100);
  CHECK(out.l[0] < 1.f);      // the fade-out before the cut
  CHECK(out.l[11] < 0.1f);
  CHECK(out.l[12] < 0.2f);    // the fade-in after it
  CHECK(out.l[30] == 1.f);
  CHECK(jb.level() == doctest::Approx(0.012));
}

TEST_CASE("a file producer blocks at the maximum until the consumer reads, and aborts cleanly") {
  JitterBuffer jb(1000, 2, 0.05, 0.2);
  Planes in(100, 1.f), out(100);
  std::atomic<bool> abort{false};
  std::atomic<int> written{0};
  std::thread producer([&] {
    while (jb.write(in.p, 100, true, abort)) ++written;
  });
  // However slow the producer thread is to run, it gets to the maximum and stops there.
  REQUIRE(loopcast::test::wait_for([&] { return written.load() == 2; }, 10));  // 200 samples = max
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // (a chance to overshoot; it must not)
  CHECK(written.load() == 2);                                   // the third write waits
  CHECK(jb.level() == doctest::Approx(0.2));
  jb.read(out.p, 100);
  CHECK(loopcast::test::wait_for([&] { return written.load() == 3; }, 10));  // room for one more
  CHECK(jb.level() == doctest::Approx(0.2));
  abort = true;
  jb.wake();
  producer.join();
}
