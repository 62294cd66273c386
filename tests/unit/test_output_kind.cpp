// engine/output/output_kind: which muxer and options each --output form gets, and the forms refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "base/redact.hpp"
#include "engine/output/output_kind.hpp"
#include "engine/output/output_profile.hpp"

using namespace loopcast;

namespace {
std::string option(const OutputTarget& t, const std::string& key) {
  const auto opts = muxer_options(t);
  auto it = std::find_if(opts.begin(), opts.end(), [&](const auto& kv) { return kv.first == key; });
  return it == opts.end() ? "<absent>" : it->second;
}
}  // namespace

TEST_CASE("output kinds: each form gets its muxer") {
  auto rtmp = parse_output("rtmp://127.0.0.1:1935/live/key-1");
  REQUIRE(rtmp);
  CHECK(rtmp->kind == OutputKind::rtmp);
  CHECK(std::string(muxer_name(rtmp->kind)) == "flv");
  CHECK(rtmp->muxer_url == "rtmp://127.0.0.1:1935/live/key-1");
  CHECK(is_network(rtmp->kind));
  CHECK(parse_output("rtmps://a.rtmps.youtube.com:443/live2/k")->kind == OutputKind::rtmp);

  auto flv = parse_output("/tmp/out.flv");
  REQUIRE(flv);
  CHECK(flv->kind == OutputKind::file_flv);
  CHECK(std::string(muxer_name(flv->kind)) == "flv");
  CHECK_FALSE(is_network(flv->kind));

  auto srt = parse_output("srt://127.0.0.1:9000?passphrase=0123456789abc&latency=200000");
  REQUIRE(srt);
  CHECK(srt->kind == OutputKind::srt);
  CHECK(std::string(muxer_name(srt->kind)) == "mpegts");
  CHECK(srt->muxer_url == "srt://127.0.0.1:9000?passphrase=0123456789abc&latency=200000");  // libsrt reads its options from it
  CHECK(is_network(srt->kind));
  CHECK(parse_output("srt://[::1]:9000")->kind == OutputKind::srt);
  CHECK(parse_output("srt://ingest.example:9000?mode=caller")->kind == OutputKind::srt);

  auto hls = parse_output("hls:/var/www/live/");
  REQUIRE(hls);
  CHECK(hls->kind == OutputKind::hls_dir);
  CHECK(std::string(muxer_name(hls->kind)) == "hls");
  CHECK(hls->dir == "/var/www/live");
  CHECK(hls->muxer_url == "/var/www/live/index.m3u8");
  CHECK_FALSE(is_network(hls->kind));
  CHECK(hls_dir_of("hls:relative/dir") == "relative/dir");
  CHECK(hls_dir_of("rtmp://h/live/k").empty());
  CHECK(hls_dir_of("hls:").empty());
}

TEST_CASE("output kinds: FLV's options go to FLV only, HLS gets a rolling 2 s window written atomically") {
  CHECK(option(*parse_output("rtmp://h/live/k"), "flvflags") == "no_duration_filesize");
  CHECK(option(*parse_output("/tmp/a.flv"), "flvflags") == "<absent>");  // a file can seek back and patch its header
  CHECK(option(*parse_output("srt://h:9000"), "flvflags") == "<absent>");
  const auto hls = *parse_output("hls:/srv/hls");
  CHECK(option(hls, "flvflags") == "<absent>");
  CHECK(option(hls, "hls_time") == "2");
  CHECK(option(hls, "hls_list_size") == "6");
  const std::string flags = option(hls, "hls_flags");
  for (const char* f : {"delete_segments", "temp_file", "independent_segments", "program_date_time"})
    CHECK_MESSAGE(flags.find(f) != std::string::npos, f);
  CHECK(option(hls, "hls_segment_filename") == "/srv/hls/index%d.ts");
  CHECK(option(hls, "hls_start_number_source") == "epoch");
}

TEST_CASE("output kinds: bad forms are refused with the forms that work, and no secret") {
  auto refused = [](const char* url) {
    auto t = parse_output(url);
    REQUIRE_FALSE(t);
    CHECK(t.code() == Errc::invalid);
    return t.error();
  };
  CHECK(refused("hls:").find("hls: needs a directory") != std::string::npos);
  CHECK(refused("hls:///").find("local directory") != std::string::npos);
  CHECK(refused("hls://cdn.example/live/index.m3u8").find("local directory") != std::string::npos);
  CHECK(refused("hls:/srv/100%/live").find("'%'") != std::string::npos);
  CHECK(refused("srt://ingest.example").find("srt://HOST:PORT") != std::string::npos);
  CHECK(refused("srt://ingest.example:").find("srt://HOST:PORT") != std::string::npos);
  CHECK(refused("srt://ingest.example:9x?passphrase=secret-passphrase-1").find("secret-passphrase-1") == std::string::npos);
  const std::string listener = refused("srt://:9000?mode=listener&passphrase=secret-passphrase-2");
  CHECK(listener.find("srt://HOST:PORT") != std::string::npos);  // no host: refused before the mode is even read
  const std::string listen2 = refused("srt://0.0.0.0:9000?mode=listener&passphrase=secret-passphrase-3");
  CHECK(listen2.find("mode=caller") != std::string::npos);
  CHECK(listen2.find("secret-passphrase-3") == std::string::npos);
  const std::string other = refused("udp://ingest.example/live/very-secret-key");
  const char* forms =
      "expected rtmp://, rtmps://, youtube://KEY, twitch://KEY, facebook://KEY, srt://HOST:PORT, hls:DIR, youtube-hls://KEY, "
      "hls+https://HOST/PATH/ or a path ending in .flv";
  CHECK(other.find(forms) != std::string::npos);
  CHECK(other.find("very-secret-key") == std::string::npos);
  refused("/tmp/out.mp4");
  refused("");
}

TEST_CASE("output kinds: only the playlist and its segments are HLS file names") {
  CHECK(is_hls_file_name("index.m3u8"));
  CHECK(is_hls_file_name("index0.ts"));
  CHECK(is_hls_file_name("index1796543210.ts"));
  for (const char* bad : {"", "index.ts", "index1.ts.tmp", "index.m3u8.tmp", "../index1.ts", "index1.ts/..", "..", "index1a.ts", "x1.ts",
                          "index-1.ts", "index1.TS", "index1.ts\n", "sub/index1.ts", "index%2F1.ts", "index123456789012345678901.ts"})
    CHECK_FALSE_MESSAGE(is_hls_file_name(bad), bad);
}

TEST_CASE("output kinds: an SRT output lingers a second on close so its last packets arrive") {
  CHECK(protocol_options(*parse_output("srt://h:9000")) == std::vector<std::pair<std::string, std::string>>{{"linger", "1"}});
  CHECK(protocol_options(*parse_output("rtmp://h/live/k")).empty());
  CHECK(protocol_options(*parse_output("hls:/srv/hls")).empty());
}

TEST_CASE("output kinds: YouTube's HLS ingest from a stream key, and HLS PUT to any HTTP server") {
  auto yt = parse_output("youtube-hls://abcd-efgh-ijkl-mnop-qrst");
  REQUIRE(yt);
  CHECK(yt->kind == OutputKind::hls_upload);
  // The documented form (developers.google.com/youtube/v3/live/guides/hls-ingestion), the name appended.
  CHECK(yt->upload_prefix == "https://a.upload.youtube.com/http_upload_hls?cid=abcd-efgh-ijkl-mnop-qrst&copy=0&file=");
  CHECK(parse_output("youtube-hls-backup://k_1-2")->upload_prefix == "https://b.upload.youtube.com/http_upload_hls?cid=k_1-2&copy=1&file=");
  CHECK(std::string(muxer_name(OutputKind::hls_upload)) == "hls");
  CHECK_FALSE(is_network(OutputKind::hls_upload));  // the muxer writes into memory; the uploader has its own deadlines

  auto dav = parse_output("hls+https://dav.example:8443/live/station-key/");
  REQUIRE(dav);
  CHECK(dav->kind == OutputKind::hls_upload);
  CHECK(dav->upload_prefix == "https://dav.example:8443/live/station-key/");
  CHECK(parse_output("hls+http://127.0.0.1:8081/ingest/")->upload_prefix == "http://127.0.0.1:8081/ingest/");
  // YouTube's URL as the Live Streaming API or Studio gives it works with the generic form too.
  CHECK(parse_output("hls+https://a.upload.youtube.com/http_upload_hls?cid=K-1&copy=0&file=")->upload_prefix ==
        "https://a.upload.youtube.com/http_upload_hls?cid=K-1&copy=0&file=");

  // MPEG-TS segments of 2 s on the encoder's closed 2 s GOPs, nothing written to disk or deleted.
  CHECK(option(*yt, "hls_time") == "2");
  CHECK(option(*yt, "hls_segment_filename") == "index%d.ts");
  CHECK(option(*yt, "hls_start_number_source") == "epoch");
  const std::string flags = option(*yt, "hls_flags");
  CHECK(flags.find("independent_segments") != std::string::npos);
  CHECK(flags.find("delete_segments") == std::string::npos);
  CHECK(flags.find("temp_file") == std::string::npos);
  CHECK(yt->muxer_url == "upload:index.m3u8");  // no file: protocol, so no index.m3u8.tmp renamed on disk
}

TEST_CASE("output kinds: a bad HLS upload form is refused with what works, and its key is never in the message") {
  auto refused = [](const char* url) {
    auto t = parse_output(url);
    REQUIRE_FALSE(t);
    CHECK(t.code() == Errc::invalid);
    return t.error();
  };
  CHECK(refused("youtube-hls://").find("needs the stream key") != std::string::npos);
  CHECK(refused("youtube-hls://{key}").find("LOOPCAST_STREAM_KEY") != std::string::npos);
  const std::string extra = refused("youtube-hls://secret-key-0001/extra");
  CHECK(extra.find("only letters, digits") != std::string::npos);
  CHECK(extra.find("secret-key-0001") == std::string::npos);
  CHECK(extra.find("output 'youtube-hls://****'") != std::string::npos);
  CHECK(refused("youtube-hls-backup://secret-key-0002?x=1").find("secret-key-0002") == std::string::npos);
  CHECK(refused("hls+ftp://host/dir/").find("hls+https://HOST[:PORT]/PATH/") != std::string::npos);
  CHECK(refused("hls+https:///dir/").find("hls+https://HOST[:PORT]/PATH/") != std::string::npos);
  const std::string no_slash = refused("hls+https://dav.example/live/secret-key-0003");
  CHECK(no_slash.find("must end in '/'") != std::string::npos);
  CHECK(no_slash.find("secret-key-0003") == std::string::npos);
  // A '#' starts the output's profile (output_profile.hpp): a fragment is no profile.
  CHECK(output_profile("hls+https://dav.example/live/#frag/", EngineConfig{}).error().find("expected key=value") != std::string::npos);
}

TEST_CASE("output kinds: youtube-hls keys are redacted whole, the upload URL's last segment and query values too") {
  CHECK(redact_url("youtube-hls://abcd-efgh-ijkl", true) == "youtube-hls://****");
  CHECK(redact_url("youtube-hls://abcd-efgh-ijkl") == "youtube-hls://****");  // whatever the caller thinks it is
  CHECK(redact_url("youtube-hls-backup://abcd-efgh-ijkl", true) == "youtube-hls-backup://****");
  CHECK(redact_url("hls+https://dav.example/live/abcd-efgh/", true) == "hls+https://dav.example/live/****/");
  const std::string yt = redact_url("hls+https://a.upload.youtube.com/http_upload_hls?cid=abcd-efgh&copy=0&file=", true);
  CHECK(yt.find("abcd-efgh") == std::string::npos);
  CHECK(yt.find("a.upload.youtube.com") != std::string::npos);
}
