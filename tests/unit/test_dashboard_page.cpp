// The dashboard page served at GET / is its three source files (api/dashboard/), inlined at build
// time by cmake/embed_dashboard.cmake: each part byte for byte, nothing left to fetch, never cached
// stale across an upgrade.
#include <doctest/doctest.h>
#include <httplib.h>

#include <string>

#include "api/dashboard_page.hpp"
#include "tests/support/api_fixture.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;

namespace {
// One part of the page as committed in the source tree this test was built from.
std::string part(const char* name) {
  const std::string text = loopcast::test::read_text(std::string(LOOPCAST_SOURCE_DIR) + "/api/dashboard/" + name);
  REQUIRE_MESSAGE(!text.empty(), name);
  return text;
}

const char* const kStyleTag = "<link rel=\"stylesheet\" href=\"style.css\">";
const char* const kScriptTag = "<script src=\"app.js\"></script>";
}  // namespace

TEST_CASE("the dashboard page is index.html with style.css and app.js inlined, byte for byte") {
  const std::string html = part("index.html"), css = part("style.css"), js = part("app.js");
  const auto style_at = html.find(kStyleTag), script_at = html.find(kScriptTag);
  REQUIRE(style_at != std::string::npos);
  REQUIRE(script_at != std::string::npos);
  REQUIRE(style_at < script_at);
  const std::string before_style = html.substr(0, style_at);
  const std::string between = html.substr(style_at + std::string(kStyleTag).size(), script_at - style_at - std::string(kStyleTag).size());
  const std::string after_script = html.substr(script_at + std::string(kScriptTag).size());
  const std::string expected = before_style + "<style>\n" + css + "</style>" + between + "<script>\n" + js + "</script>" + after_script;
  const std::string& page = dashboard_page();
  // Each file whole, then the exact assembly: a stale or half-inlined part fails the first checks by name.
  CHECK_MESSAGE(page.find(css) != std::string::npos, "style.css is not in the page whole");
  CHECK_MESSAGE(page.find(js) != std::string::npos, "app.js is not in the page whole");
  CHECK(page == expected);
  CHECK(page.find(kStyleTag) == std::string::npos);  // self-contained: no part left to fetch
  CHECK(page.find(kScriptTag) == std::string::npos);
}

TEST_CASE("GET / serves the inlined page with Cache-Control: no-cache") {
  loopcast::test::ApiFixture api;
  auto r = api.client->Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->get_header_value("Cache-Control") == "no-cache");  // an operator who upgrades gets the new page
  CHECK(r->body == dashboard_page());
  CHECK(r->body.find(part("app.js")) != std::string::npos);
}
