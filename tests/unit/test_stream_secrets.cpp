// A stream's secrets (ingest keys, URL credentials) are registered for redaction only once its
// config is valid, replaced when it changes, and forgotten when it is deleted.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "base/redact.hpp"
#include "control/config/stream_config.hpp"
#include "control/channels/streams.hpp"
#include "tests/support/fake_controller.hpp"

using namespace loopcast;
using loopcast::test::FakeController;

namespace {
bool redacted(const std::string& secret) { return redact_text("x " + secret + " y") == "x **** y"; }

Streams::Options options(const std::string& doc_text) {
  auto doc = split_streams_document(doc_text);
  REQUIRE(doc);
  AppConfig base;
  base.engine.loop = "a.mp4";
  return Streams::Options{base, *doc, "", nullptr, [](const StreamSpec& s) -> Result<std::shared_ptr<Stream>> {
                            if (s.id == "broken") return Error{"cannot open the loop", Errc::unavailable};
                            return std::make_shared<Stream>(s.id, std::make_shared<FakeController>());
                          }};
}
}  // namespace

TEST_CASE("stream secrets: registered after validation, replaced on change, forgotten on delete") {
  Streams reg(options(R"({"streams": [{"id": "jazz", "output": "rtmp://127.0.0.1/live/jazz-key-4711"},
                                      {"id": "talk", "output": "talk.flv"}]})"));
  REQUIRE(reg.load());
  CHECK(redacted("jazz-key-4711"));

  // Refused by validation (fps out of range): its key and its URL password never reach the registry.
  const size_t before = registered_secrets();
  auto bad = reg.put("rock", R"({"output": "rtmp://u:pw-rock-9931@127.0.0.1/live/rock-key-9930", "fps": 999})");
  CHECK_FALSE(bad);
  CHECK_FALSE(redacted("rock-key-9930"));
  CHECK_FALSE(redacted("pw-rock-9931"));
  CHECK(registered_secrets() == before);

  // A launch that fails leaves nothing behind either.
  CHECK_FALSE(reg.put("broken", R"({"output": "rtmp://127.0.0.1/live/broken-key-5150"})"));
  CHECK_FALSE(redacted("broken-key-5150"));

  // Replacing jazz's output: the new key is hidden, the old one no running stream uses is forgotten.
  REQUIRE(reg.put("jazz", R"({"output": "rtmp://127.0.0.1/live/jazz-key-4712"})"));
  CHECK(redacted("jazz-key-4712"));
  CHECK_FALSE(redacted("jazz-key-4711"));

  REQUIRE(reg.remove("jazz"));
  CHECK_FALSE(redacted("jazz-key-4712"));
  CHECK(registered_secrets() == before - 1);
}

TEST_CASE("stream secrets: the process-wide ones stay") {
  register_secret("process-token-8080");
  set_owned_secrets("stream:x", {"owned-key-1234", "ab"});  // too short to redact: ignored
  CHECK(redacted("owned-key-1234"));
  forget_owned_secrets("stream:x");
  CHECK_FALSE(redacted("owned-key-1234"));
  CHECK(redacted("process-token-8080"));
  CHECK(redact_text("ab") == "ab");
}

TEST_CASE("stream secrets: an SRT output's passphrase is hidden while its stream runs") {
  Streams reg(options(R"({"streams": [{"id": "srt", "output": "srt://127.0.0.1:9000?passphrase=srt-secret-phrase-77&latency=120000"},
                                      {"id": "site", "output": "hls:/tmp/loopcast-hls-site"}]})"));
  REQUIRE(reg.load());
  CHECK(redacted("srt-secret-phrase-77"));
  REQUIRE(reg.remove("srt"));
  CHECK_FALSE(redacted("srt-secret-phrase-77"));
}
