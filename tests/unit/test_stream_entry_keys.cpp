// Keys of a stream entry only (issue 23): its own api_token (or LOOPCAST_API_TOKEN_<ID>), its key
// from LOOPCAST_STREAM_KEY_<ID>, and "backup" with the backup ingest given or derived.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "api/stream_routes.hpp"
#include "control/config/stream_config.hpp"
#include "tests/support/scoped_env.hpp"

using namespace loopcast;
using loopcast::test::ScopedEnv;

namespace {
AppConfig base() {
  AppConfig c;
  c.engine.loop = "a.mp4";
  return c;
}

// Parsed, keys filled, backup resolved: what Streams does before validating an entry.
Result<StreamSpec> entry(const std::string& json) {
  auto s = parse_stream_entry(base(), json);
  if (!s) return s;
  fill_stream_key(*s);
  resolve_stream_key(s->cfg);
  if (Status st = resolve_backup_outputs(*s); !st) return st.forward();
  return s;
}
}  // namespace

TEST_CASE("stream entry: api_token is the stream's own, from the entry or LOOPCAST_API_TOKEN_<ID>") {
  ScopedEnv env({{"LOOPCAST_API_TOKEN_JAZZ_2", "from-env"}});
  CHECK(stream_env_name("API_TOKEN", "jazz-2") == "LOOPCAST_API_TOKEN_JAZZ_2");
  CHECK(entry(R"({"id": "jazz-2", "output": "a.flv"})")->api_token == "from-env");
  CHECK(entry(R"({"id": "jazz-2", "output": "a.flv", "api_token": "own"})")->api_token == "own");
  CHECK(entry(R"({"id": "talk", "output": "a.flv"})")->api_token.empty());
  CHECK(entry(R"({"id": "talk", "output": "a.flv", "api_token": 5})").error().find("api_token: expected a non-empty string") != std::string::npos);
  // Still process-wide: the other top-only keys stay refused in an entry.
  CHECK(entry(R"({"id": "talk", "output": "a.flv", "webhook_password": "x"})").error().find("process-wide") != std::string::npos);
  CHECK(entry(R"({"id": "talk", "output": "a.flv", "shard": "0/2"})").error().find("process-wide") != std::string::npos);
  // GET /api/v1/streams/{id} never shows it.
  CHECK(redacted_entry(R"({"id": "talk", "api_token": "own-secret"})").find("own-secret") == std::string::npos);
}

TEST_CASE("stream entry: {key} is LOOPCAST_STREAM_KEY_<ID> when set, else LOOPCAST_STREAM_KEY") {
  ScopedEnv env({{"LOOPCAST_STREAM_KEY", "global-key"}, {"LOOPCAST_STREAM_KEY_JAZZ", "jazz-key"}});
  CHECK(entry(R"({"id": "jazz", "output": "rtmp://127.0.0.1/live/{key}"})")->cfg.engine.outputs.at(0) == "rtmp://127.0.0.1/live/jazz-key");
  CHECK(entry(R"({"id": "talk", "output": "rtmp://127.0.0.1/live/{key}"})")->cfg.engine.outputs.at(0) == "rtmp://127.0.0.1/live/global-key");
}

TEST_CASE("stream entry: backup derives YouTube's backup ingest, or takes backup_output") {
  ScopedEnv env({{"LOOPCAST_STREAM_KEY_JAZZ", "abcd-efgh"}});
  auto yt = entry(R"({"id": "jazz", "output": "rtmps://a.rtmps.youtube.com:443/live2/{key}", "backup": true})");
  REQUIRE(yt);
  CHECK(yt->backup);
  CHECK(yt->backup_outputs == std::vector<std::string>{"rtmps://b.rtmps.youtube.com:443/live2?backup=1/abcd-efgh"});
  auto plain = entry(R"({"id": "jazz", "output": "rtmp://a.rtmp.youtube.com/live2/k1", "backup": true})");
  CHECK(plain->backup_outputs == std::vector<std::string>{"rtmp://b.rtmp.youtube.com/live2?backup=1/k1"});
  auto given = entry(R"({"id": "rig", "output": "rtmp://127.0.0.1:1935/live/a", "backup": true, "backup_output": "rtmp://127.0.0.1:1935/live/a-b"})");
  CHECK(given->backup_outputs == std::vector<std::string>{"rtmp://127.0.0.1:1935/live/a-b"});
  CHECK(entry(R"({"id": "rig", "output": "rtmp://127.0.0.1/live/a"})")->backup_outputs.empty());  // no backup asked
  // Errors name the stream and say what to give.
  CHECK(entry(R"({"id": "rig", "output": "rtmp://127.0.0.1/live/a", "backup": true})").error().find("stream 'rig': backup: output 'rtmp://127.0.0.1/live/****' is not YouTube's primary ingest: give \"backup_output\"") != std::string::npos);
  CHECK(entry(R"({"id": "rig", "output": "a.flv", "backup_output": "b.flv"})").error().find("backup_output without \"backup\": true") != std::string::npos);
  CHECK(entry(R"({"id": "rig", "output": "a.flv", "backup": "yes"})").error().find("backup: expected true or false") != std::string::npos);
  CHECK(entry(R"({"id": "rig", "output": "a.flv", "backup": true, "backup_output": "http://x/y"})").error().find("expected rtmp://") != std::string::npos);
  // The backup ingest may not be another stream's output (or its own).
  auto a = entry(R"({"id": "a", "output": "a.flv", "backup": true, "backup_output": "b.flv"})");
  auto b = entry(R"({"id": "b", "output": "b.flv"})");
  CHECK(validate_streams({*a, *b}).error().find("is already stream 'a''s") != std::string::npos);
}

TEST_CASE("stream entry: the Kubernetes ConfigMap's streams config parses, with its keys from the Secret's variables") {
  // deploy/kubernetes/configmap.yaml: the block under "loopcast.json: |", 4 spaces in.
  std::ifstream in(std::string(LOOPCAST_SOURCE_DIR) + "/deploy/kubernetes/configmap.yaml");
  std::string line, json;
  bool inside = false;
  while (std::getline(in, line)) {
    if (inside && line.rfind("    ", 0) == 0) json += line.substr(4) + "\n";
    else if (inside) break;
    if (line.find("loopcast.json: |") != std::string::npos) inside = true;
  }
  auto doc = split_streams_document(json);
  REQUIRE_MESSAGE(doc, json);
  ScopedEnv env({{"LOOPCAST_STREAM_KEY_JAZZ", "jazz-key"}, {"LOOPCAST_STREAM_KEY_TALK", "talk-key"}, {"LOOPCAST_API_TOKEN_TALK", "t"}});
  AppConfig top = base();
  REQUIRE(apply_config_json(top, doc->top_json));
  std::vector<StreamSpec> specs;
  for (const auto& e : doc->entries) {
    auto s = parse_stream_entry(top, e);
    REQUIRE_MESSAGE(s, e);
    fill_stream_key(*s);
    REQUIRE(resolve_backup_outputs(*s));
    REQUIRE(validate_stream(*s));
    specs.push_back(*s);
  }
  REQUIRE(validate_streams(specs));
  CHECK(specs.at(0).backup_outputs.at(0) == "rtmps://b.rtmps.youtube.com:443/live2?backup=1/jazz-key");
  CHECK(specs.at(1).api_token == "t");
}
