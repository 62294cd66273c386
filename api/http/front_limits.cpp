#include "api/http/front_limits.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace loopcast {

size_t connection_cap(size_t fd_limit) {
  const size_t headroom = std::max<size_t>(512, fd_limit / 4);
  constexpr size_t kFloor = 64, kCeiling = 50000;  // 50,000 idle connections are ~0.5 GB of kernel buffers
  return fd_limit > headroom + kFloor ? std::min(fd_limit - headroom, kCeiling) : kFloor;
}

FrontLimits limits_for_this_process() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
    (void)::getrlimit(RLIMIT_NOFILE, &rl);
  }
  FrontLimits limits;
  const size_t fd_limit = rl.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<size_t>(rl.rlim_cur);
  limits.max_connections = connection_cap(fd_limit);
  return limits;
}

}  // namespace loopcast
