// The YouTube keys of the config: per stream in an entry or from the environment, validated
// (credentials present, https or loopback http only), their secrets redacted.
#include <doctest/doctest.h>

#include <cstdlib>

#include "base/redact.hpp"
#include "control/config/config.hpp"
#include "control/config/stream_config.hpp"

using namespace loopcast;

namespace {
AppConfig base() {
  AppConfig c;
  c.engine.loop = "x.mp4";
  c.engine.outputs = {"out.flv"};
  return c;
}
}  // namespace

TEST_CASE("youtube config: a stream entry carries its own credentials — they are redacted and required") {
  auto s = parse_stream_entry(base(), R"({"id":"b","youtube":true,"youtube_client_id":"cid","youtube_client_secret":"entry-secret-123",
    "youtube_refresh_token":"1//entry-refresh-456","youtube_privacy":"private","youtube_poll":15,"youtube_title":"{station} all day"})");
  REQUIRE_MESSAGE(s, s.error());
  const auto& y = s->cfg.control.youtube;
  CHECK(y.enabled);
  CHECK(y.privacy == "private");
  CHECK(y.poll == 15);
  CHECK(y.title == "{station} all day");
  CHECK(validate_stream(*s));
  // Registered for redaction as the stream's own secrets once it is valid (control/channels/streams.cpp
  // does this before launching it), not merely because an entry was parsed.
  CHECK(redact_text("secret entry-secret-123 token 1//entry-refresh-456").find("entry-") != std::string::npos);
  set_owned_secrets("stream:b", stream_secrets(s->cfg));
  CHECK(redact_text("secret entry-secret-123 token 1//entry-refresh-456").find("entry-") == std::string::npos);
  forget_owned_secrets("stream:b");

  auto missing = parse_stream_entry(base(), R"({"id":"c","youtube":true})");
  REQUIRE(missing);
  const Status st = validate_stream(*missing);
  REQUIRE_FALSE(st);
  CHECK(st.error().find("LOOPCAST_YOUTUBE_REFRESH_TOKEN") != std::string::npos);
  CHECK_FALSE(parse_stream_entry(base(), R"({"id":"d","youtube_privacy":"everyone"})"));
  CHECK_FALSE(parse_stream_entry(base(), R"({"id":"d","youtube_latency":"instant"})"));
}

TEST_CASE("youtube config: credentials from the environment — plain http only to loopback") {
  setenv("LOOPCAST_YOUTUBE_CLIENT_ID", "env-id", 1);
  setenv("LOOPCAST_YOUTUBE_CLIENT_SECRET", "env-secret-789", 1);
  setenv("LOOPCAST_YOUTUBE_REFRESH_TOKEN", "1//env-refresh-000", 1);
  AppConfig c = base();
  apply_environment(c);
  for (const char* n : {"LOOPCAST_YOUTUBE_CLIENT_ID", "LOOPCAST_YOUTUBE_CLIENT_SECRET", "LOOPCAST_YOUTUBE_REFRESH_TOKEN"}) unsetenv(n);
  CHECK(c.control.youtube.client_id == "env-id");
  CHECK(redact_text("env-secret-789 1//env-refresh-000").find("env-") == std::string::npos);
  REQUIRE(apply_cli_flags(c, {"--youtube", "true"}));
  CHECK(validate(c));
  for (const char* ok : {"http://127.0.0.1:8123/youtube/v3", "http://localhost:1/x", "https://yt.example/youtube/v3"}) {
    AppConfig u = c;
    REQUIRE(apply_cli_flags(u, {"--youtube-api-url", ok}));
    CHECK_MESSAGE(validate(u), ok);
  }
  for (const char* bad : {"http://api.example.com/youtube/v3", "ftp://127.0.0.1/x", "http://127.0.0.1.evil.example/x"}) {
    AppConfig u = c;
    REQUIRE(apply_cli_flags(u, {"--youtube-oauth-url", bad}));
    const Status st = validate(u);
    CHECK_FALSE_MESSAGE(st, bad);
    CHECK(st.error().find("youtube_oauth_url") != std::string::npos);
  }
  AppConfig off = base();  // without --youtube nothing is required
  CHECK(validate(off));
}
