// CPU of the sound stage per output second: 600 s of 44.1 kHz stereo music-like sound through
// (1) the meter only (what every stream pays) and (2) meter + leveler + limiter (--loudness-target),
// each against copying the same chunks (the floor). Built and run by bench/sound.sh.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "engine/audio/loudness_stage.hpp"

using namespace loopcast;

namespace {
constexpr int kRate = 44100, kChunk = 1024, kSeconds = 600;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// The chunks, made once: the bench measures the stage, not the generator.
std::vector<float> make(int channel) {
  std::vector<float> v(static_cast<size_t>(kRate) * 10);
  uint32_t rng = 7 + static_cast<uint32_t>(channel);
  for (size_t n = 0; n < v.size(); ++n) {
    const double t = static_cast<double>(n) / kRate;
    rng = rng * 1664525u + 1013904223u;
    const double hit = (static_cast<double>(rng >> 8) / (1 << 24) * 2 - 1) * std::exp(-std::fmod(t, 0.5) * 40);
    v[n] = static_cast<float>(0.05 * (0.25 * std::sin(2 * M_PI * 220 * t) + 0.15 * std::sin(2 * M_PI * (330 - 53 * channel) * t) + 0.5 * hit));
  }
  return v;
}

double run(std::optional<LoudnessStage>& stage, const std::vector<float>& l, const std::vector<float>& r) {
  std::vector<float> a(kChunk), b(kChunk);
  float* planes[2] = {a.data(), b.data()};
  const size_t span = l.size() / kChunk;
  const double t0 = cpu_seconds();
  for (int k = 0; k < kSeconds * kRate / kChunk; ++k) {
    const size_t at = static_cast<size_t>(k) % span * kChunk;
    std::copy_n(l.begin() + static_cast<long>(at), kChunk, a.begin());
    std::copy_n(r.begin() + static_cast<long>(at), kChunk, b.begin());
    if (stage) stage->process(planes, kChunk);
  }
  return (cpu_seconds() - t0) / kSeconds;
}
}  // namespace

int main() {
  const auto l = make(0), r = make(1);
  std::optional<LoudnessStage> none;
  std::optional<LoudnessStage> meter(std::in_place, kRate, std::nullopt);
  std::optional<LoudnessStage> target(std::in_place, kRate, -14.0);
  const double floor = run(none, l, r), m = run(meter, l, r), t = run(target, l, r);
  std::printf("sound stage, CPU seconds per output second (44.1 kHz stereo, %d s):\n", kSeconds);
  std::printf("  copy only (floor)            %.5f\n", floor);
  std::printf("  meter (every stream)         %.5f  (+%.5f)\n", m, m - floor);
  std::printf("  meter + leveler + limiter    %.5f  (+%.5f, %.2fx the meter)\n", t, t - floor, (t - floor) / (m - floor));
}
