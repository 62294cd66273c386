#include "control/status/pipeline_status.hpp"

namespace loopcast {

void add_pipeline_status(StatusSnapshot& s, const Pipeline& pipe) {
  const auto p = pipe.stats();
  s.video_mode = p.video_mode;
  s.switches += p.switches;
  s.video_frames = p.video_frames;
  s.audio_frames = p.audio_frames;
  s.dropped_frames = p.dropped_frames;
  s.duplicated_frames = p.duplicated_frames;
  s.title_cards = p.cards;  // (the stream drops it when it has no title cards)
  s.output_seconds = p.output_seconds;
  s.outputs = pipe.outputs();
  for (const auto& o : s.outputs) s.bytes_sent += o.bytes;
  const auto a = pipe.audio();
  s.audio_state = a.state;
  s.audio_source = a.source;
  s.audio_reconnects = a.reconnects;
  s.audio_underruns = a.underruns;
  s.audio_buffer = a.buffer;
  s.icy_title = a.icy_title;
  s.loudness = pipe.loudness();
  if (!a.last_error.empty() && s.last_error.empty()) s.last_error = a.last_error;
}

}  // namespace loopcast
