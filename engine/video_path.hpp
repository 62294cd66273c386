// What the pipeline's loop needs from its video, whichever way the pictures are made: the packets
// of each output frame, a prepared loop to put on air, and what is on air. EncodePath decodes,
// composes and encodes live; SplicePath copies pre-encoded packets. The kind is fixed for the
// pipeline's life, so each one refuses the other's loops instead of the pipeline branching on it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/encoder.hpp"
#include "engine/input/cover_art.hpp"
#include "engine/picture/title_card.hpp"
#include "engine/splice/card_slot.hpp"

namespace loopcast {

class LoopSource;
class CachedLoop;

// What a running path does (fixed for a pipeline's life); the configured mode may also be auto.
enum class PathKind { encode, splice };
inline const char* to_string(PathKind m) { return m == PathKind::splice ? "splice" : "encode"; }

// What happened while one output frame was made, for the pipeline's counters.
struct VideoFrameEvents {
  bool switched = false;  // a queued loop went on air with this frame
  bool repeated = false;  // the loop showed its previous picture again (loop fps < output fps)
};

// Encoded video of one rendition (one profile of engine/output/output_profile.hpp: the outputs
// that share a size, bitrate and codec).
using RenditionSink = std::function<void(size_t rendition, AVPacket* pkt)>;

class VideoPath {
 public:
  virtual ~VideoPath() = default;
  virtual PathKind mode() const = 0;
  // How many renditions the path makes: one per distinct output profile (splice: the stream's own first).
  virtual size_t renditions() const = 0;
  // Stream parameters of rendition `r` for its outputs (and of rendition 0 for the preview tap):
  // codec, size, extradata = the parameter sets.
  virtual const AVCodecContext* params(size_t r) const = 0;
  // Hand the packet(s) of output frame `n` of every rendition to `sink` (timestamps in 1/fps).
  // `idr` asks for a keyframe; a path whose keyframes are fixed (splice) ignores it. Pipeline thread only.
  virtual Status emit(int64_t n, bool idr, const RenditionSink& sink, VideoFrameEvents& events) = 0;
  // End of stream: what the path still holds.
  virtual Status flush(const RenditionSink& sink) = 0;
  // Can output frame `n` be skipped to catch up with the wall clock (CPU starved)? Spliced packets
  // depend on each other and cost nothing: never.
  virtual bool may_skip() const = 0;
  // Thread-safe: put a prepared loop on air at the next frame that allows it; a newer request
  // replaces one not yet on air. Each path refuses the kind of loop it cannot play.
  virtual Status switch_to(std::unique_ptr<LoopSource> next) = 0;
  virtual Status switch_to(std::unique_ptr<CachedLoop> next) = 0;
  // The audio the AAC encoder receives, for what the picture draws from it (the visualiser).
  virtual void hear(const AVFrame* /*audio*/, int64_t /*first_sample*/) {}
  // Thread-safe: now-playing text and cover art for what the picture draws from them (the overlay).
  virtual void set_now_playing(std::string /*text*/, ArtPtr /*art*/) {}
  // Thread-safe: the song's title card composed ahead (splice mode draws nothing itself).
  virtual void show_card(std::shared_ptr<CardSlot> /*slot*/) {}
  virtual CardStats cards() const { return {}; }
  // Thread-safe: the song's title card drawn per frame (encode mode; splice mode composes it ahead).
  virtual void draw_card(CardText /*text*/) {}
  // The loop on air. Pipeline thread only.
  virtual const std::string& on_air() const = 0;
};

}  // namespace loopcast
