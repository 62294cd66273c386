#include "control/stream/feed_watch.hpp"

#include <fmt/format.h>

namespace loopcast {

void FeedWatch::observe(const std::vector<OutputStatus>& outputs, const AudioFeedStatus& audio, EventLog& log) {
  if (seen_) {
    for (size_t i = 0; i < outputs.size() && i < outputs_.size(); ++i) {
      const auto& o = outputs[i];
      if (o.state == outputs_[i]) continue;
      if (o.state == OutputState::reconnecting)
        log.add(EventKind::reconnect, fmt::format("output {} reconnecting{}{}", o.url, o.last_error.empty() ? "" : ": ", o.last_error));
      else if (o.state == OutputState::live && outputs_[i] == OutputState::reconnecting)
        log.add(EventKind::reconnect, fmt::format("output {} live again (reconnect {})", o.url, o.reconnects));
      else if (o.state == OutputState::failed)
        log.add(EventKind::error, fmt::format("output {} failed{}{}", o.url, o.last_error.empty() ? "" : ": ", o.last_error));
    }
    // The feed counts each failed session; a loss and its retry may both fall between two samples.
    if (audio.reconnects > audio_reconnects_) {
      audio_lost_ = true;
      log.add(EventKind::reconnect, fmt::format("station {} lost{}{}; retrying", audio.source, audio.last_error.empty() ? "" : ": ", audio.last_error));
    }
    if (audio_lost_ && audio.state == AudioState::connected) {
      audio_lost_ = false;
      log.add(EventKind::reconnect, fmt::format("station {} back on air", audio.source));
    } else if (audio.state != audio_state_ && audio.state == AudioState::fallback) {
      log.add(EventKind::reconnect, fmt::format("station {} silent: fallback audio on air", audio.source));
    } else if (audio.state != audio_state_ && audio.state == AudioState::failed) {
      log.add(EventKind::error, fmt::format("station {}: gave up reconnecting{}{}", audio.source, audio.last_error.empty() ? "" : ": ", audio.last_error));
    }
  }
  seen_ = true;
  outputs_.clear();
  for (const auto& o : outputs) outputs_.push_back(o.state);
  audio_state_ = audio.state;
  audio_reconnects_ = audio.reconnects;
}

}  // namespace loopcast
