// The operator's console (issue 27) in a real browser (Debian's chromium, driven by playwright-core
// from tests/e2e/console.mjs): sign-in, a loop uploaded through the page and listed with its
// duration, a rule added that names it, an AzuraCast webhook that puts it on air, a bad rule shown
// with the server's error and kept off the server, the sparkline drawn within 10 s, and no element
// wider than the viewport at 390 and 1400 px.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
std::string text(const rapidjson::Value& d, const char* k) { return d.HasMember(k) && d[k].IsString() ? d[k].GetString() : ""; }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("console page in headless Chromium: sign in, upload, rule, webhook on air, bad rule refused, layout at 390 and 1400 px") {
  const std::string e2e = std::string(LOOPCAST_SOURCE_DIR) + "/tests/e2e";
  REQUIRE_MESSAGE(fs::exists(e2e + "/node_modules/playwright-core"), "run scripts/install-deps.sh (npm ci in tests/e2e)");
  REQUIRE(fs::exists("/usr/bin/chromium"));
  const std::string dir = make_temp_dir("loopcast-console-e2e");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/a.mp4");
  fs::copy_file(fixture("loop_1s_25fps.mp4"), dir + "/uploaded.mp4");  // what the page uploads
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": []})";
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", dir + "/loops", "--mapping", dir + "/mapping.json", "--output", dir + "/out.flv",
               "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k"},
              "", EnvVars{{"LOOPCAST_API_TOKEN", "console-token"}});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());

  auto r = run_cmd("cd " + shell_quote(e2e) + " && timeout 150 node console.mjs http://127.0.0.1:" + std::to_string(port) +
                   " console-token " + shell_quote(dir + "/uploaded.mp4") + " " + shell_quote(fixture("azuracast_song_a.json")) + " " +
                   shell_quote(dir + "/console"));
  const std::string line = r.output.substr(r.output.rfind("\n{") == std::string::npos ? 0 : r.output.rfind("\n{") + 1);
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_MESSAGE(d.IsObject(), r.output);
  MESSAGE(line);
  REQUIRE_MESSAGE(d["ok"].GetBool(), r.output);

  CHECK(d["signed_in"].GetBool());
  CHECK(d["token_stored"].GetBool());
  // The upload: the progress bar reached its end, the loop is listed with its 1 s, and it is on disk.
  CHECK(d["upload_progress"].GetDouble() == doctest::Approx(1.0));
  CHECK_MESSAGE(has(text(d, "upload_message"), "uploaded.mp4: uploaded, 1.0 s"), text(d, "upload_message"));
  CHECK_MESSAGE(has(text(d, "loop_label"), "uploaded.mp4 · 1.0 s"), text(d, "loop_label"));
  CHECK(fs::exists(dir + "/loops/uploaded.mp4"));
  // The rule was saved (on disk as the server wrote it), tried, and the webhook put its loop on air.
  CHECK_MESSAGE(has(text(d, "rules_message"), "saved"), text(d, "rules_message"));
  const std::string saved = read_text(dir + "/mapping.json");
  CHECK_MESSAGE(has(saved, R"("artist":"Daft Punk")"), saved);
  CHECK_MESSAGE(has(saved, R"("loop":"uploaded.mp4")"), saved);
  CHECK_MESSAGE(has(text(d, "try_result"), "uploaded.mp4 (rule)"), text(d, "try_result"));
  CHECK(d["webhook_status"].GetInt() == 202);
  CHECK(ends_with(text(d, "on_air"), "/uploaded.mp4"));
  CHECK(ends_with(str(status(cli)["loop"]), "/uploaded.mp4"));
  // The bad rule: the server's error beside rule 1, the mapping on the server unchanged.
  CHECK_MESSAGE(has(text(d, "bad_rule_error"), "rule 1 matches nothing"), text(d, "bad_rule_error"));
  CHECK(d["bad_rule_index"].GetInt() == 1);
  CHECK(d["bad_rule_kept_out"].GetBool());
  CHECK(read_text(dir + "/mapping.json") == saved);
  // The sparkline drew from its first samples; the layout fits both widths.
  CHECK(d["spark_samples"].GetInt() >= 3);
  CHECK(d["spark_lit"].GetInt() > 100);
  for (const char* width : {"1400", "390"}) {
    const auto& l = d[(std::string("layout_") + width).c_str()];
    CAPTURE(width);
    CHECK(l["scroll_width"].GetInt() <= l["width"].GetInt());
    CHECK_MESSAGE(l["wide"].Size() == 0, line);
    CHECK(d[(std::string("spark_lit_") + width).c_str()].GetInt() > 100);
    const std::string png = dir + "/console-" + width + ".png";
    CHECK(fs::file_size(png) > 10000);
    CHECK(read_text(png).substr(1, 3) == "PNG");
  }
  std::string panels;
  for (const auto& p : d["panels"].GetArray()) panels += std::string(p.GetString()) + "|";
  for (const char* p : {"Sign in", "Loops", "Rules", "Schedule"}) CHECK_MESSAGE(has(panels, p), panels);
  // A 401 sends the user back to the token prompt.
  CHECK_MESSAGE(has(text(d, "after_401_prompt"), "token"), text(d, "after_401_prompt"));
  CHECK(lc.terminate() == 0);
}
