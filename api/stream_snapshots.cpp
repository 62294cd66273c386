#include "api/stream_snapshots.hpp"

#include <fmt/format.h>

#include "control/channels/streams.hpp"

namespace loopcast {

Result<std::shared_ptr<const std::string>> StreamSnapshots::jpeg(const std::string& id) {
  if (!streams_.find(id)) return Error{fmt::format("no stream '{}'", id), Errc::not_found};
  std::shared_ptr<SnapshotCache> cache;
  {
    MutexLock lk(mu_);
    auto& c = caches_[id];
    // Found by id at every ask: a stream replaced or deleted and made again is still this id's picture.
    if (!c)
      c = std::make_shared<SnapshotCache>(
          [&streams = streams_, id] {
            auto ctl = streams.find(id);
            return ctl ? ctl->preview() : TapShot{};
          },
          std::chrono::milliseconds(2000), kWidth);
    cache = c;
  }
  return cache->jpeg();
}

}  // namespace loopcast
