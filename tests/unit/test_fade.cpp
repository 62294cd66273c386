// Fades at the audio source's discontinuities (issue 26): the waveform never jumps more than the
// music itself does — at an underrun, a refill, a new connection, an overflow, or a crossfade.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <vector>

#include "engine/audio/fade.hpp"
#include "engine/input/jitter_buffer.hpp"

using namespace loopcast;

namespace {
constexpr int kRate = 44100;
const std::atomic<bool> kNoAbort{false};

// Stereo planar samples of a 440 Hz sine at `amp`, starting at `phase` radians.
struct Sine {
  Sine(int n, double phase, float amp = 0.8f) : l(n), r(n), p{reinterpret_cast<uint8_t*>(l.data()), reinterpret_cast<uint8_t*>(r.data())} {
    for (int i = 0; i < n; ++i) l[i] = r[i] = amp * static_cast<float>(std::sin(phase + 2 * M_PI * 440 * i / kRate));
  }
  std::vector<float> l, r;
  uint8_t* p[2];
};

// What the music itself does from one sample to the next (the sine's steepest step), with 5 % room.
float music_step() {
  Sine s(kRate / 100, 0);
  return fade::max_step(s.l.data(), 0, static_cast<int>(s.l.size())) * 1.05f;
}

// Reads the buffer in AAC-sized chunks into one recording (left channel).
void record(JitterBuffer& jb, std::vector<float>& rec, int chunks) {
  std::vector<float> l(1024), r(1024);
  uint8_t* p[2] = {reinterpret_cast<uint8_t*>(l.data()), reinterpret_cast<uint8_t*>(r.data())};
  for (int i = 0; i < chunks; ++i) {
    jb.read(p, 1024);
    rec.insert(rec.end(), l.begin(), l.end());
  }
}

float max_step(const std::vector<float>& v) { return fade::max_step(v.data(), 0, static_cast<int>(v.size())); }
}  // namespace

TEST_CASE("the fade gains are equal-power and reach silence and unity") {
  const int n = fade::ramp_samples(kRate);
  CHECK(n == 529);  // 12 ms
  for (int i = 0; i < n; ++i) {
    const float in = fade::gain_in(i, n), out = fade::gain_out(i, n);
    CHECK(in * in + out * out == doctest::Approx(1.0).epsilon(1e-5));
    if (i > 0) CHECK(in > fade::gain_in(i - 1, n));
  }
  CHECK(fade::gain_in(0, n) < 0.01f);
  CHECK(fade::gain_out(n - 1, n) < 0.01f);
  CHECK(fade::gain_in(n, n) == 1.f);
  CHECK(fade::gain_out(-1, n) == 1.f);
}

TEST_CASE("fade: refill, underrun and silence again — no step larger than the music's") {
  JitterBuffer jb(kRate, 2, 0.1, 1.0);
  Sine s(kRate / 2, 1.0);  // starts mid-wave: without a fade-in the first sample is a step of 0.67
  std::vector<float> rec;
  record(jb, rec, 2);  // silence while buffering
  jb.write(s.p, kRate / 2, false, kNoAbort);
  record(jb, rec, 30);  // the refill, all of it, the underrun (it ends mid-wave too), silence
  CHECK(jb.underruns() == 1);
  CHECK(max_step(rec) <= music_step());
}

TEST_CASE("fade: a new connection's audio meets the old one's with a dip, not a jump") {
  JitterBuffer jb(kRate, 2, 0.1, 2.0);
  Sine a(kRate / 2, 0.0), b(kRate / 2, 2.0);  // b starts at another phase: a step of ~1.4 where they meet
  jb.write(a.p, kRate / 2, false, kNoAbort);
  std::vector<float> rec;
  record(jb, rec, 2);  // playing
  jb.mark_discontinuity();
  jb.write(b.p, kRate / 2, false, kNoAbort);
  record(jb, rec, 20);
  CHECK(max_step(rec) <= music_step());
  CHECK(jb.underruns() == 0);
}

TEST_CASE("fade: the station comes back after an underrun that left a few samples — they do not meet the new audio mid-fade") {
  // An underrun with fewer than fade_len samples left keeps them for after the refill; if the
  // connection then drops and a new one refills the buffer, those old samples and the new audio
  // abut inside the refill's fade-in: a step (seen on the rig at the station's return).
  JitterBuffer jb(kRate, 2, 0.1, 2.0);
  const int fade = fade::ramp_samples(kRate);
  Sine a(kRate / 4 + fade / 2, 0.0), b(kRate / 2, 2.5);
  jb.write(a.p, static_cast<int>(a.l.size()), false, kNoAbort);
  std::vector<float> rec;
  record(jb, rec, 11);  // plays a until fewer than fade_len samples remain: underrun, leftovers kept
  REQUIRE(jb.underruns() == 1);
  REQUIRE(jb.level() > 0);
  jb.mark_discontinuity();  // the station reconnects
  jb.write(b.p, kRate / 2, false, kNoAbort);
  record(jb, rec, 20);
  CHECK(max_step(rec) <= music_step());
}

TEST_CASE("fade: audio dropped on overflow is cut out between a fade-out and a fade-in") {
  JitterBuffer jb(kRate, 2, 0.1, 0.5);
  Sine a(kRate / 4, 0.0);
  jb.write(a.p, kRate / 4, false, kNoAbort);
  std::vector<float> rec;
  record(jb, rec, 2);
  Sine b(kRate / 2, 0.3);
  jb.write(b.p, kRate / 2, false, kNoAbort);  // past 0.5 s: dropped down to the target
  CHECK(jb.dropped_samples() > 0);
  record(jb, rec, 8);
  CHECK(max_step(rec) <= music_step());
}

TEST_CASE("fade: a crossfade of two unrelated sources keeps the waveform smooth and the power level") {
  const int n = fade::ramp_samples(kRate);
  Sine a(n, 0.0), b(n, 2.0);
  float* pa[2] = {a.l.data(), a.r.data()};
  float* pb[2] = {b.l.data(), b.r.data()};
  fade::apply_out(pa, 2, 0, n, 0, n);
  fade::apply_in(pb, 2, 0, n, 0, n);
  fade::mix(pa, pb, 2, 0, n);
  // The mix starts on a's first sample and ends on b's last: no step at either end, none inside.
  CHECK(a.l[0] == doctest::Approx(0.8 * std::sin(0.0)).epsilon(0.01));
  CHECK(max_step(a.l) <= music_step() * 1.5f);
}
