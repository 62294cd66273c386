// The YouTube Data API client: every answer shape of the reference parsed, garbage refused as a
// value, failures classified; OAuth's device flow and refresh against the loopback fake.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "api/youtube/oauth.hpp"
#include "api/youtube/youtube_client.hpp"
#include "api/youtube/youtube_parse.hpp"
#include "base/redact.hpp"
#include "tests/support/fake_youtube.hpp"

using namespace loopcast;
using loopcast::test::FakeYouTube;

namespace {
const char* kStreams = R"({"kind":"youtube#liveStreamListResponse","etag":"x","pageInfo":{"totalResults":2,"resultsPerPage":5},"items":[
  {"kind":"youtube#liveStream","id":"S1","snippet":{"title":"Default"},"cdn":{"ingestionType":"rtmp","ingestionInfo":{"streamName":"abcd-1234",
   "ingestionAddress":"rtmp://a.rtmp.youtube.com/live2"},"resolution":"variable","frameRate":"variable"},
   "status":{"streamStatus":"active","healthStatus":{"status":"bad","lastUpdateTimeSeconds":"1767225600","configurationIssues":[
     {"type":"bitrateLow","severity":"error","reason":"Low bitrate","description":"The stream's bitrate is too low."},
     {"type":"gopSizeLong","severity":"warning","reason":"Keyframe interval","description":"Use 2 s."}]}}},
  {"kind":"youtube#liveStream","id":"S2","cdn":{"ingestionInfo":{"streamName":"other"}},"status":{"streamStatus":"inactive"}}]})";

const char* kBroadcasts = R"({"kind":"youtube#liveBroadcastListResponse","items":[
  {"kind":"youtube#liveBroadcast","id":"B1","snippet":{"title":"Radio – 24/7","scheduledStartTime":"2026-01-01T00:00:00Z"},
   "status":{"lifeCycleStatus":"complete","privacyStatus":"public"},"contentDetails":{"boundStreamId":"S1","enableAutoStart":false}},
  {"kind":"youtube#liveBroadcast","id":"B2","snippet":{"title":"Next"},"status":{"lifeCycleStatus":"ready"},"contentDetails":{}}]})";
}  // namespace

TEST_CASE("youtube parse: liveStreams with stream name, status, health and configuration issues") {
  auto s = parse_live_streams(kStreams);
  REQUIRE(s);
  REQUIRE(s->size() == 2);
  const auto& a = (*s)[0];
  CHECK(a.id == "S1");
  CHECK(a.stream_name == "abcd-1234");
  CHECK(a.stream_status == "active");
  CHECK(a.health == "bad");
  REQUIRE(a.issues.size() == 2);
  CHECK(a.issues[0].type == "bitrateLow");
  CHECK(a.issues[1].severity == "warning");
  CHECK((*s)[1].health.empty());
  CHECK((*s)[1].issues.empty());
}

TEST_CASE("youtube parse: liveBroadcasts, one broadcast, viewers") {
  auto b = parse_broadcasts(kBroadcasts);
  REQUIRE(b);
  REQUIRE(b->size() == 2);
  CHECK((*b)[0].lifecycle == "complete");
  CHECK((*b)[0].bound_stream_id == "S1");
  CHECK((*b)[0].scheduled_start == "2026-01-01T00:00:00Z");
  CHECK((*b)[1].bound_stream_id.empty());
  CHECK_FALSE(broadcast_alive("complete"));
  CHECK_FALSE(broadcast_alive("revoked"));
  CHECK_FALSE(broadcast_alive(""));
  CHECK(broadcast_alive("liveStarting"));
  auto one = parse_broadcast(R"({"kind":"youtube#liveBroadcast","id":"B9","status":{"lifeCycleStatus":"live"}})");
  REQUIRE(one);
  CHECK(one->lifecycle == "live");
  auto v = parse_concurrent_viewers(R"({"items":[{"id":"B9","liveStreamingDetails":{"concurrentViewers":"1234"}}]})");
  REQUIRE(v);
  CHECK(**v == 1234);
  auto none = parse_concurrent_viewers(R"({"items":[{"id":"B9","liveStreamingDetails":{"actualEndTime":"2026-01-01T00:00:00Z"}}]})");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  CHECK(parse_concurrent_viewers(R"({"items":[]})"));
}

TEST_CASE("youtube parse: garbage answers are error values, never a crash") {
  const std::string deep(100000, '[');
  // Garbage for every parser: not JSON, not an object, no items, items not objects.
  for (const std::string& g :
       {std::string(), std::string("<html>502 Bad Gateway</html>"), std::string("{\"items\":\"x\"}"), std::string("[1,2]"),
        std::string("{\"items\":[1]}"), std::string("null"), deep, std::string("{\"items\":[")}) {
    CAPTURE(g.substr(0, 60));
    CHECK_FALSE(parse_live_streams(g));
    CHECK_FALSE(parse_broadcasts(g));
    CHECK_FALSE(parse_concurrent_viewers(g));
    CHECK_FALSE(parse_broadcast(g));
  }
  // A resource without its id, or with an id that is not a string.
  CHECK_FALSE(parse_live_streams(R"({"items":[{"snippet":{}}]})"));
  CHECK_FALSE(parse_broadcasts(R"({"items":[{"id":5}]})"));
  CHECK_FALSE(parse_broadcast(R"({"snippet":{"title":"t"}})"));
  // A viewer count that is not a count.
  CHECK_FALSE(parse_concurrent_viewers(R"({"items":[{"id":"v","liveStreamingDetails":{"concurrentViewers":"-3"}}]})"));
  CHECK_FALSE(parse_concurrent_viewers(R"({"items":[{"id":"v","liveStreamingDetails":{"concurrentViewers":[]}}]})"));
  CHECK_FALSE(parse_concurrent_viewers(R"({"items":[{"id":"v","liveStreamingDetails":{"concurrentViewers":"12abc"}}]})"));
  // Wrong types inside a well-formed item read as absent, not as a crash.
  auto odd = parse_live_streams(R"({"items":[{"id":"S","cdn":7,"status":{"healthStatus":{"status":3,"configurationIssues":"no"}}}]})");
  REQUIRE(odd);
  CHECK((*odd)[0].stream_name.empty());
  CHECK((*odd)[0].health.empty());
}

TEST_CASE("youtube parse: failures are classified from the status and Google's error body") {
  auto reason_body = [](int code, const char* reason) {
    return fmt::format(R"({{"error":{{"code":{},"message":"m","errors":[{{"reason":"{}"}}]}}}})", code, reason);
  };
  CHECK(classify_answer(200, "{}").fault == ApiFault::none);
  CHECK(classify_answer(401, reason_body(401, "authError")).fault == ApiFault::unauthorized);
  const ApiFailure q = classify_answer(403, reason_body(403, "quotaExceeded"));
  CHECK(q.fault == ApiFault::quota);
  CHECK(q.text == "403 quotaExceeded: m");
  CHECK(classify_answer(403, reason_body(403, "rateLimitExceeded")).fault == ApiFault::rate_limit);
  CHECK(classify_answer(429, "").fault == ApiFault::rate_limit);
  CHECK(classify_answer(503, "<html>").fault == ApiFault::server);
  CHECK(classify_answer(403, reason_body(403, "invalidTransition")).fault == ApiFault::refused);
  CHECK(classify_answer(400, "garbage{").fault == ApiFault::refused);
}

TEST_CASE("youtube oauth: device flow answers authorization_pending, then slow_down, then the tokens") {
  FakeYouTube yt("abcd-1234");
  yt.script_device({"authorization_pending", "slow_down", "grant"});
  ApiHttp http(5);
  OAuth auth(http, yt.oauth_url(), OAuthClient{FakeYouTube::kClientId, FakeYouTube::kClientSecret});
  auto code = auth.request_device_code();
  REQUIRE_MESSAGE(code, code.error());
  CHECK(code->user_code == "FAKE-CODE");
  CHECK(code->verification_url == "https://www.google.com/device");
  CHECK(code->interval == 1);
  auto p1 = auth.poll_device(code->device_code);
  REQUIRE(p1);
  CHECK(p1->error == "authorization_pending");
  auto p2 = auth.poll_device(code->device_code);
  REQUIRE(p2);
  CHECK(p2->error == "slow_down");
  auto p3 = auth.poll_device(code->device_code);
  REQUIRE(p3);
  CHECK(p3->error.empty());
  CHECK(p3->refresh_token == FakeYouTube::kRefreshToken);
  CHECK(redact_text("token " + p3->access_token).find(p3->access_token) == std::string::npos);  // registered secret
  yt.script_device({"access_denied"});
  auto denied = auth.poll_device(code->device_code);
  REQUIRE(denied);
  CHECK(denied->error == "access_denied");
  OAuth wrong(http, yt.oauth_url(), OAuthClient{"nobody", "x"});
  CHECK_FALSE(wrong.request_device_code());
}

TEST_CASE("youtube oauth: the access token is refreshed shortly before it expires, not on every call") {
  FakeYouTube yt("abcd-1234");
  yt.set_token_lifetime(130);  // 10 s beyond the 120 s margin
  ApiHttp http(5);
  OAuth auth(http, yt.oauth_url(), OAuthClient{FakeYouTube::kClientId, FakeYouTube::kClientSecret}, FakeYouTube::kRefreshToken);
  const auto t0 = OAuth::Clock::now();
  auto a = auth.access_token(t0);
  REQUIRE_MESSAGE(a, a.error());
  CHECK(auth.access_token(t0 + std::chrono::seconds(5)).value() == *a);  // cached
  CHECK(yt.calls("token.refresh") == 1);
  auto b = auth.access_token(t0 + std::chrono::seconds(11));  // within the margin of its expiry
  REQUIRE(b);
  CHECK(*b != *a);
  CHECK(yt.calls("token.refresh") == 2);
  yt.set_refresh_refused(true);
  auto refused = auth.access_token(t0 + std::chrono::seconds(200));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("invalid_grant") != std::string::npos);
  CHECK(refused.error().find(FakeYouTube::kRefreshToken) == std::string::npos);
}

TEST_CASE("youtube client: a 401 refreshes once and retries — a refused refresh is an unauthorized error") {
  FakeYouTube yt("abcd-1234");
  ApiHttp http(5);
  OAuth auth(http, yt.oauth_url(), OAuthClient{FakeYouTube::kClientId, FakeYouTube::kClientSecret}, FakeYouTube::kRefreshToken);
  QuotaBudget quota(10000);
  YouTubeClient client(http, auth, quota, yt.api_url());
  auto s = client.list_streams();
  REQUIRE_MESSAGE(s, s.error());
  CHECK(s->front().stream_name == "abcd-1234");
  yt.revoke_access_tokens();
  auto again = client.list_streams();
  REQUIRE_MESSAGE(again, again.error());
  CHECK(yt.calls("token.refresh") == 2);
  yt.revoke_access_tokens();
  yt.set_refresh_refused(true);
  auto denied = client.list_streams();
  REQUIRE_FALSE(denied);
  CHECK(client.last_fault() == ApiFault::unauthorized);
  CHECK(yt.calls("token.refresh") == 3);       // once, not in a loop
  CHECK_FALSE(yt.saw_token_in_clear("ya29"));  // tokens travel in headers only
}

TEST_CASE("youtube client: costs are charged — quotaExceeded blocks — garbage is bad_answer") {
  FakeYouTube yt("abcd-1234");
  ApiHttp http(5);
  OAuth auth(http, yt.oauth_url(), OAuthClient{FakeYouTube::kClientId, FakeYouTube::kClientSecret}, FakeYouTube::kRefreshToken);
  QuotaBudget quota(10000);
  YouTubeClient client(http, auth, quota, yt.api_url());
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  REQUIRE(client.list_broadcasts("broadcastStatus=active"));
  auto ins = client.insert(NewBroadcast{"T", "2026-01-01T00:00:00Z"});
  REQUIRE_MESSAGE(ins, ins.error());
  REQUIRE(client.bind(ins->id, "S-fake-stream-1"));
  auto live = client.transition(ins->id, "live");
  REQUIRE_MESSAGE(live, live.error());
  CHECK(live->lifecycle == "live");
  CHECK(quota.used(now) == 151);
  CHECK(yt.units() == 151);  // our count agrees with what the calls cost
  yt.set_garbage(1);
  CHECK_FALSE(client.list_streams());
  CHECK(client.last_fault() == ApiFault::bad_answer);
  yt.set_quota_exceeded(true);
  CHECK_FALSE(client.list_streams());
  CHECK(client.last_fault() == ApiFault::quota);
  CHECK(quota.blocked(now));
  const int calls = yt.api_calls();
  CHECK_FALSE(client.list_streams());  // not even sent
  CHECK(yt.api_calls() == calls);
}
