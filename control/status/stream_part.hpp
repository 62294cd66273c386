// What runs beside a stream's pipeline and keeps its own state (the AzuraCast feed, the YouTube
// watch, the status/control files): the stream merges each part's section into its status, so
// no part pushes its state into the supervisor and the supervisor holds nothing it does not use.
#pragma once
#include "control/status/status.hpp"

namespace loopcast {

class StreamPart {
 public:
  // When the part is closed relative to the pipeline: a feed stops first (nothing reaches a
  // stopping stream), the files last (their final status says "stopped").
  enum class Closes { before_pipeline, after_pipeline };

  virtual ~StreamPart() = default;
  // Writes this part's section (trigger, youtube, files/commands) into the stream's status. Never
  // calls back into the stream: it is called with the stream's status being composed.
  virtual void into(StatusSnapshot& s) const = 0;
  virtual void close() = 0;  // idempotent
  virtual Closes closes() const = 0;
};

}  // namespace loopcast
