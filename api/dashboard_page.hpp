// The built-in dashboard: one self-contained HTML page (status, controls, live updates via SSE).
// Its parts are real files, api/dashboard/{index.html,style.css,app.js}, inlined at build time by
// cmake/embed_dashboard.cmake into build/generated/dashboard_page.cpp, which defines this function.
// Markup and script are marked "section: NAME" (status, preview, stream + sparkline, control,
// loops picker, events) so each can be changed on its own.
#pragma once
#include <string>

namespace loopcast {
const std::string& dashboard_page();
}
