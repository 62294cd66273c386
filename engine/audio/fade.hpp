// Short equal-power fades for the audio source's discontinuities (underrun, refill, fallback in and
// out, reconnect): a waveform that jumps is a click every listener hears. Pure functions on planar
// float, no allocation; a ramp may be split over several chunks (each call says where in it it is).
#pragma once

namespace loopcast::fade {

// 12 ms: long enough that no step is audible, short enough that nothing of the music is lost.
constexpr int ramp_samples(int rate) { return rate * 12 / 1000; }

// Gain at step i of a ramp of `len` steps. in² + out² = 1 at every step, so a crossfade between two
// unrelated sources keeps its power (equal-power), and a fade to silence has no kink.
float gain_in(int i, int len);
float gain_out(int i, int len);

// Multiplies samples [from, from + count) of every plane by the ramp's steps [step, step + count)
// (steps outside 0..len-1 are left alone: before a fade-in's start nothing, after its end unity).
void apply_in(float* const* planes, int channels, int from, int count, int step, int len);
void apply_out(float* const* planes, int channels, int from, int count, int step, int len);

// dst[from + i] += src[i] for i < count, every plane.
void mix(float* const* dst, const float* const* src, int channels, int from, int count);

// The largest |x[i] - x[i-1]| over [from, to) of one plane: a click shows as a jump the music lacks.
float max_step(const float* x, int from, int to);

}  // namespace loopcast::fade
