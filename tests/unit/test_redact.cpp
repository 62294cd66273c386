#include <doctest/doctest.h>

#include <algorithm>
#include <string>

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

TEST_CASE("an SRT output's passphrase and stream id are hidden, its host and port kept") {
  const std::string url = "srt://ingest.example:9000?passphrase=srt-pass-phrase-42&latency=200000&streamid=publish/key-99";
  const std::string shown = redact_url(url, true);
  CHECK(shown.find("srt-pass-phrase-42") == std::string::npos);
  CHECK(shown.find("key-99") == std::string::npos);
  CHECK(shown.rfind("srt://ingest.example:9000?passphrase=****", 0) == 0);
  // Registered, so a libav or libsrt line quoting the URL some other way is covered too.
  const auto secrets = loopcast::url_secrets(url);
  CHECK(std::find(secrets.begin(), secrets.end(), "srt-pass-phrase-42") != secrets.end());
  loopcast::register_url_secrets(url);
  CHECK(redact_text("srt: passphrase srt-pass-phrase-42 rejected") == "srt: passphrase **** rejected");
}

TEST_CASE("an hls: output is a local directory: shown as it is") {
  CHECK(redact_url("hls:/var/www/live") == "hls:/var/www/live");
  CHECK(redact_url("hls:/var/www/live", true) == "hls:/var/www/live");
}
