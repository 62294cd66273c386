// The built-in dashboard: one self-contained HTML page (status, controls, live updates via SSE).
#pragma once
#include <string>

namespace loopcast {
const std::string& dashboard_page();
}
