// systemd readiness (Type=notify in deploy/systemd/loopcast@.service): the service counts as
// started only once loopcast really streams and answers its API, so `systemctl start` waits for
// that and dependants start after it. Without NOTIFY_SOCKET (a shell, Docker) these do nothing.
#pragma once
#include <cstddef>

namespace loopcast {

void notify_ready(std::size_t streams);  // READY=1: streams started, HTTP API listening
void notify_stopping();                  // STOPPING=1: a signal asked us to stop

}  // namespace loopcast
