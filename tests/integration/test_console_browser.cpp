// The operator's console (issue 27) in a real browser (Debian's chromium, driven by playwright-core
// from tests/e2e/console.mjs) against loopcast in splice mode: sign-in, a loop uploaded through the
// page, listed with its duration, prepared with its progress streamed to the page; a rule added that
// names it and a rule with a time window, an AzuraCast webhook that puts it on air, a bad rule and a
// bad time window shown with the server's error beside them and kept off the server; a channel
// added with a stream key that never comes back, edited without it, deleted; the sparkline drawn
// within 10 s, and no element wider than the viewport at 390 and 1400 px.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}
}  // namespace

TEST_CASE("console page in headless Chromium: sign in, upload and prepare, rules and time windows, channels, layout at 390 and 1400 px") {
  const std::string e2e = std::string(LOOPCAST_SOURCE_DIR) + "/tests/e2e";
  REQUIRE_MESSAGE(fs::exists(e2e + "/node_modules/playwright-core"), "run scripts/install-deps.sh (npm ci in tests/e2e)");
  REQUIRE(fs::exists("/usr/bin/chromium"));
  const std::string dir = make_temp_dir("loopcast-console-e2e");
  fs::create_directory(dir + "/loops");
  fs::copy_file(fixture("still.mp4"), dir + "/loops/a.mp4");
  // What the page uploads: 12 s, so that its splice prepare takes long enough to be seen in progress.
  REQUIRE(run_cmd("ffmpeg -v error -nostdin -f lavfi -i testsrc2=s=320x180:r=30:d=12 -c:v libx264 -g 30 -movflags +faststart " +
                  shell_quote(dir + "/uploaded.mp4")).code == 0);
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": []})";
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", dir + "/loops", "--mapping", dir + "/mapping.json", "--output", dir + "/out.flv",
               "--http-port", std::to_string(port), "--size", "320x180", "--vbitrate", "300k", "--video-mode", "splice", "--cache-dir",
               dir + "/cache"},
              "", EnvVars{{"LOOPCAST_API_TOKEN", "console-token"}});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());

  auto r = run_cmd("cd " + shell_quote(e2e) + " && timeout 150 node console.mjs http://127.0.0.1:" + std::to_string(port) +
                   " console-token " + shell_quote(dir + "/uploaded.mp4") + " " + shell_quote(fixture("azuracast_song_a.json")) + " " +
                   shell_quote(dir + "/console") + " rtmp://127.0.0.1:" + std::to_string(free_tcp_port()) + "/live");
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
  CHECK_MESSAGE(has(text(d, "upload_message"), "uploaded.mp4: uploaded, 12.0 s"), text(d, "upload_message"));
  CHECK_MESSAGE(has(text(d, "loop_label"), "uploaded.mp4 · 12.0 s"), text(d, "loop_label"));
  CHECK(fs::exists(dir + "/loops/uploaded.mp4"));
  // Its prepare: progress documents over SSE while it was built, rising, ending in "prepared"; the
  // tile and the listing say prepared, and the cache holds its entry.
  const auto& log = d["prepare_log"];
  REQUIRE_MESSAGE(log.Size() >= 2, line);
  int building = 0;
  double last = -1;
  for (const auto& p : log.GetArray()) {
    const std::string state = p["state"].GetString();
    building += state == "building" || state == "queued" ? 1 : 0;
    CHECK(p["progress"].GetDouble() >= last);
    last = p["progress"].GetDouble();
  }
  CHECK_MESSAGE(building >= 1, line);
  CHECK(std::string(log[log.Size() - 1]["state"].GetString()) == "prepared");
  CHECK(last == doctest::Approx(1.0));
  CHECK_MESSAGE(has(text(d, "prepare_text"), "prepared"), text(d, "prepare_text"));
  CHECK(d["listed_prepared"].GetBool());
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir + "/cache")) entries += e.path().filename().string().rfind("uploaded-", 0) == 0 ? 1 : 0;
  CHECK(entries == 1);
  // The rule was saved (on disk as the server wrote it), tried, and the webhook put its loop on air.
  CHECK_MESSAGE(has(text(d, "rules_message"), "saved"), text(d, "rules_message"));
  const std::string saved = read_text(dir + "/mapping.json");
  CHECK_MESSAGE(has(saved, R"("artist":"Daft Punk")"), saved);
  CHECK_MESSAGE(has(saved, R"("loop":"uploaded.mp4")"), saved);
  CHECK_MESSAGE(has(saved, R"("days":["wed","sat"],"from":"08:00","to":"09:30","dates":["2020-01-01..2020-01-31"])"), saved);
  CHECK_MESSAGE(has(text(d, "try_result"), "uploaded.mp4 (rule)"), text(d, "try_result"));
  CHECK(d["webhook_status"].GetInt() == 202);
  CHECK(ends_with(text(d, "on_air"), "/uploaded.mp4"));
  CHECK(ends_with(str(status(cli)["loop"]), "/uploaded.mp4"));
  // The bad rule: the server's error beside rule 1, the mapping on the server unchanged.
  CHECK_MESSAGE(has(text(d, "bad_rule_error"), "rule 2 matches nothing"), text(d, "bad_rule_error"));
  CHECK(d["bad_rule_index"].GetInt() == 2);
  CHECK(d["bad_rule_kept_out"].GetBool());
  // The bad time window: the parser's own words, next to the "from" field, which has the focus.
  CHECK_MESSAGE(has(text(d, "bad_window_error"), "rule 2: 'from': bad time '25:00'"), text(d, "bad_window_error"));
  CHECK(text(d, "bad_window_beside") == "from");
  CHECK(text(d, "bad_window_focus") == "from");
  CHECK(text(d, "bad_window_invalid") == "true");
  CHECK(d["bad_window_kept_out"].GetBool());
  CHECK(read_text(dir + "/mapping.json") == saved);
  // The channel: added and running; its key shown as **** by the API and the edit form, kept by an
  // edit that left the key field empty, never in the page; then deleted.
  CHECK_MESSAGE(has(text(d, "channel_added"), "channel e2e-two added"), text(d, "channel_added"));
  const std::string config = d.HasMember("channel_config") ? to_json(d["channel_config"]) : "";
  CHECK_MESSAGE(has(config, "/live/****"), config);
  CHECK_FALSE(has(config, "e2e-secret-stream-key"));
  CHECK(ends_with(text(d, "edit_output_shown"), "/live/****"));
  CHECK(text(d, "edit_key_field").empty());
  CHECK_MESSAGE(has(text(d, "channel_edited"), "channel e2e-two saved"), text(d, "channel_edited"), " / ", text(d, "channel_edit_error"));
  const auto& edited = d["channel_config_after_edit"];
  CHECK(text(edited, "vbitrate") == "400k");
  CHECK(ends_with(text(edited, "output"), "/live/****"));
  CHECK_FALSE(d["key_in_page"].GetBool());
  CHECK_MESSAGE(has(text(d, "channel_deleted"), "channel e2e-two deleted"), text(d, "channel_deleted"));
  CHECK(d["channel_after_delete"].GetInt() == 404);
  CHECK_FALSE(has(lc.log(), "e2e-secret-stream-key"));
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
  for (const char* p : {"Sign in", "Channels", "Loops", "Rules", "Schedule"}) CHECK_MESSAGE(has(panels, p), panels);
  CHECK_MESSAGE(d["unlabelled"].Size() == 0, line);
  // A 401 sends the user back to the token prompt.
  CHECK_MESSAGE(has(text(d, "after_401_prompt"), "token"), text(d, "after_401_prompt"));
  CHECK(lc.terminate() == 0);
}
