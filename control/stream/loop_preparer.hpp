// Preparing a switch: opening its loop (first frame decoded, or its splice cache loaded or built)
// and fetching the song's cover, off the switching thread, so a bad file never goes on air and a
// slow one delays only its own switch. The switch scheduler asks; a LoopPreparer does the work
// (LoopOpener for real, a fake in the scheduler's tests).
#pragma once
#include <memory>
#include <string>

#include "base/thread_annotations.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/mapping/track.hpp"
#include "engine/input/cover_art.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/splice/cached_loop.hpp"

namespace loopcast {

// What a prepare asks for. `loop` empty: the loop on air stays (art only); `art_url` empty: no art.
struct PrepareOrder {
  LoopRef loop;
  std::string art_url;
  bool splice = false;  // load the loop's cache instead of opening it for encoding
  TrackInfo track;      // the song (a scene draws its text)
};

// Filled by the preparer, read by the scheduler once `done`.
struct PreparedLoop {
  Mutex mu;  // guards every member below
  bool done GUARDED_BY(mu) = false;
  std::unique_ptr<LoopSource> src GUARDED_BY(mu);     // null when the loop on air stays
  std::unique_ptr<CachedLoop> cached GUARDED_BY(mu);  // instead of src when the stream splices
  std::string error GUARDED_BY(mu);  // the loop could not be opened: the switch is refused
  ArtPtr art GUARDED_BY(mu);         // null: no art wanted, or it failed (art_error)
  std::string art_error GUARDED_BY(mu);
};

class LoopPreparer {
 public:
  virtual ~LoopPreparer() = default;
  // Starts the work and returns at once; the result is filled in when done.
  virtual std::shared_ptr<PreparedLoop> prepare(PrepareOrder order) = 0;
};

}  // namespace loopcast
