// A running pipeline's part of the status: counters, outputs, the station feed, loudness.
#pragma once
#include "control/status/status.hpp"
#include "engine/pipeline.hpp"

namespace loopcast {

// Fills what the pipeline knows into `s`; switches are added to those of earlier pipelines. The
// station's error shows only when nothing else has failed.
void add_pipeline_status(StatusSnapshot& s, const Pipeline& pipe);

}  // namespace loopcast
