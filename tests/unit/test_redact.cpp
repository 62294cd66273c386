#include <doctest/doctest.h>

#include "base/redact.hpp"

using loopcast::redact_text;
using loopcast::redact_url;

TEST_CASE("stream keys are hidden in RTMP URLs") {
  CHECK(redact_url("rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh-ijkl-mnop") ==
        "rtmps://a.rtmps.youtube.com:443/live2/****");
  CHECK(redact_url("rtmp://127.0.0.1:1935/live/stream") == "rtmp://127.0.0.1:1935/live/****");
  // YouTube's backup ingest carries the key after the query.
  CHECK(redact_url("rtmps://b.rtmps.youtube.com:443/live2?backup=1/abcd-efgh") ==
        "rtmps://b.rtmps.youtube.com:443/live2?backup=****/****");
}

TEST_CASE("credentials and query values are hidden, plain paths kept") {
  CHECK(redact_url("http://source:hackme@radio.example:8000/radio.mp3") ==
        "http://****@radio.example:8000/radio.mp3");
  CHECK(redact_url("https://radio.example/listen?token=s3cr3t&x=1") == "https://radio.example/listen?token=****&x=****");
  CHECK(redact_url("/tmp/out.flv") == "/tmp/out.flv");
}

TEST_CASE("registered secrets vanish from free text") {
  loopcast::register_secret("k3y-abcdef");
  CHECK(redact_text("failed to write rtmp://x/live/k3y-abcdef: Broken pipe") ==
        "failed to write rtmp://x/live/****: Broken pipe");
  CHECK(redact_text("nothing secret") == "nothing secret");
}

TEST_CASE("any ingest scheme hides its last path segment — a bare key path too") {
  CHECK(redact_url("srt://ingest.example:9000/live/abc123") == "srt://ingest.example:9000/live/****");
  CHECK(redact_url("foo://ingest.example/live/s3cret-key") == "foo://ingest.example/live/****");
  CHECK(redact_url("rtmp://ingest.example/key-only") == "rtmp://ingest.example/****");
}

TEST_CASE("a trailing slash or a query without a path does not let the key through") {
  CHECK(redact_url("rtmp://host/live2/KEYKEY/") == "rtmp://host/live2/****/");
  CHECK(redact_url("rtmp://host/live2/KEYKEY//") == "rtmp://host/live2/****//");
  CHECK(redact_url("rtmp://host?key=SECRET") == "rtmp://host?key=****");
  CHECK(redact_url("http://radio.example?token=abc") == "http://radio.example?token=****");
  CHECK(redact_url("rtmp://user:pw@host?key=SECRET") == "rtmp://****@host?key=****");
  CHECK(redact_url("rtmp://host/") == "rtmp://host/");
}

TEST_CASE("a URL's password and query values are registered: log lines quoting it any way are covered") {
  loopcast::register_url_secrets("https://loops:pa55word-x@cdn.example/bg.mp4?X-Amz-Signature=0a1b2c3d4e&Expires=17");
  CHECK(redact_text("read 'https://loops:pa55word-x@cdn.example/bg.mp4?X-Amz-Signature=0a1b2c3d4e': timeout") ==
        "read 'https://loops:****@cdn.example/bg.mp4?X-Amz-Signature=****': timeout");
  CHECK(redact_text("Expires=17") == "Expires=17");  // too short to hide without mangling text
}
