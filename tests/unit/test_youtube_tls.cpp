// The YouTube client over TLS (stunnel in front of the fake): the process policy applies, so an
// untrusted or misnamed certificate is refused and --ca-file naming a private CA is trusted.
#include <doctest/doctest.h>

#include "api/youtube/oauth.hpp"
#include "api/youtube/youtube_client.hpp"
#include "base/tls.hpp"
#include "tests/support/fake_youtube.hpp"
#include "tests/support/tls_proxy.hpp"

using namespace loopcast;
using namespace loopcast::test;

namespace {

// A token refresh and a liveStreams list through https://localhost:PORT.
Result<std::vector<LiveStreamInfo>> list_over_tls(int port) {
  const std::string base = "https://localhost:" + std::to_string(port);
  ApiHttp http(5);
  OAuth auth(http, base, OAuthClient{FakeYouTube::kClientId, FakeYouTube::kClientSecret}, FakeYouTube::kRefreshToken);
  QuotaBudget quota(10000);
  YouTubeClient client(http, auth, quota, base + "/youtube/v3");
  return client.list_streams();
}
}  // namespace

TEST_CASE("youtube tls: the API client verifies certificates like every other connection — --ca-file is honoured") {
  FakeYouTube yt("tls-key");
  TestCerts certs(make_temp_dir("loopcast-yt-tls"));
  const int backend = port_of(yt.oauth_url());
  TlsProxy evil(certs, "evil", backend), misnamed(certs, "other.example", backend), good(certs, "localhost", backend);
  {
    PolicyScope system_cas(TlsPolicy{});
    CHECK_FALSE(list_over_tls(good.port));  // a private CA the system does not know
    CHECK_FALSE(list_over_tls(evil.port));
  }
  {
    PolicyScope private_ca(TlsPolicy{true, certs.ca()});
    auto ok = list_over_tls(good.port);
    REQUIRE_MESSAGE(ok, ok.error());
    CHECK(ok->front().stream_name == "tls-key");
    CHECK_FALSE(list_over_tls(misnamed.port));  // the name is checked too
    CHECK_FALSE(list_over_tls(evil.port));
  }
  CHECK(yt.api_calls() == 1);  // only the trusted connection got through
}
