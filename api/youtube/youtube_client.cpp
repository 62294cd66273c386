#include "api/youtube/youtube_client.hpp"

#include <fmt/format.h>

#include "base/redact.hpp"
#include "base/json_text.hpp"

namespace loopcast {
namespace {
SysSeconds sys_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }
}  // namespace

YouTubeClient::YouTubeClient(ApiHttp& http, OAuth& auth, QuotaBudget& quota, std::string api_url)
    : http_(http), auth_(auth), quota_(quota), api_url_(without_trailing_slash(std::move(api_url))) {}

Result<std::string> YouTubeClient::call(const char* method, const std::string& path_query, const std::string& body, int cost, Need need,
                                        int reserve) {
  const std::string what = fmt::format("{} {}", method, path_query.substr(0, path_query.find('?')));
  auto fail = [&](ApiFault f, std::string text, Errc code = Errc::unavailable) {
    last_fault_ = f;
    return Error{redact_text(fmt::format("{}: {}", what, text)), code};
  };
  const SysSeconds now = sys_now();
  if (!quota_.spend(cost, need, now, reserve))
    return fail(ApiFault::quota, fmt::format("skipped: the daily quota ({} of {} units used) does not allow {} more", quota_.used(now),
                                             quota_.budget(), cost));
  ++calls_;
  HttpCall req{method, api_url_ + path_query, {}, body, "application/json"};
  for (int attempt = 0;; ++attempt) {
    // A 401 means the access token is no longer good (revoked, clock skew): one refresh, one retry.
    auto token = auth_.access_token(std::chrono::steady_clock::now(), attempt > 0);
    if (!token) return fail(token.code() == Errc::unavailable ? ApiFault::transport : ApiFault::unauthorized, token.error());
    req.bearer = *token;
    auto answer = http_.send(req);
    if (!answer) return fail(ApiFault::transport, answer.error());
    const ApiFailure f = classify_answer(answer->status, answer->body);
    if (f.fault == ApiFault::none) {
      last_fault_ = ApiFault::none;
      return std::move(answer->body);
    }
    if (f.fault == ApiFault::unauthorized && attempt == 0) continue;
    if (f.fault == ApiFault::quota) quota_.exhausted(now);
    return fail(f.fault, f.text, f.fault == ApiFault::refused ? Errc::invalid : Errc::unavailable);
  }
}

// Parses a 2xx body; a garbage answer is a fault of its own (backed off like a server error).
template <class T, class P>
static Result<T> parsed(Result<std::string> body, P parse, ApiFault& fault) {
  if (!body) return body.forward();
  auto v = parse(*body);
  if (!v) fault = ApiFault::bad_answer;
  return v;
}

Result<std::vector<LiveStreamInfo>> YouTubeClient::list_streams() {
  return parsed<std::vector<LiveStreamInfo>>(
      call("GET", "/liveStreams?part=id,snippet,cdn,status&mine=true&maxResults=50", {}, kQuotaList, Need::watch), parse_live_streams,
      last_fault_);
}

Result<std::vector<BroadcastInfo>> YouTubeClient::list_broadcasts(const std::string& filter) {
  return parsed<std::vector<BroadcastInfo>>(
      call("GET", fmt::format("/liveBroadcasts?part=id,snippet,status,contentDetails&broadcastType=all&maxResults=50&{}", filter), {},
           kQuotaList, Need::watch),
      parse_broadcasts, last_fault_);
}

Result<std::optional<int64_t>> YouTubeClient::viewers(const std::string& video_id) {
  return parsed<std::optional<int64_t>>(
      call("GET", fmt::format("/videos?part=liveStreamingDetails&id={}", form_encode(video_id)), {}, kQuotaList, Need::watch),
      parse_concurrent_viewers, last_fault_);
}

Result<BroadcastInfo> YouTubeClient::insert(const NewBroadcast& b) {
  // The monitor stream is off so that a ready broadcast may go live without a testing phase.
  const std::string body = fmt::format(
      R"({{"snippet":{{"title":{},"scheduledStartTime":{}}},"status":{{"privacyStatus":{},"selfDeclaredMadeForKids":false}},)"
      R"("contentDetails":{{"enableAutoStart":{},"enableAutoStop":{},"latencyPreference":{},"monitorStream":{{"enableMonitorStream":false}}}}}})",
      json_quote(b.title), json_quote(b.scheduled_start), json_quote(b.privacy), b.auto_start, b.auto_stop, json_quote(b.latency));
  return parsed<BroadcastInfo>(call("POST", "/liveBroadcasts?part=id,snippet,status,contentDetails", body, kQuotaWrite, Need::watch),
                               parse_broadcast, last_fault_);
}

Result<BroadcastInfo> YouTubeClient::bind(const std::string& broadcast_id, const std::string& stream_id) {
  return parsed<BroadcastInfo>(call("POST",
                                    fmt::format("/liveBroadcasts/bind?id={}&streamId={}&part=id,snippet,status,contentDetails",
                                                form_encode(broadcast_id), form_encode(stream_id)),
                                    {}, kQuotaWrite, Need::watch),
                               parse_broadcast, last_fault_);
}

Result<BroadcastInfo> YouTubeClient::transition(const std::string& broadcast_id, const std::string& to) {
  return parsed<BroadcastInfo>(call("POST",
                                    fmt::format("/liveBroadcasts/transition?broadcastStatus={}&id={}&part=id,snippet,status,contentDetails",
                                                form_encode(to), form_encode(broadcast_id)),
                                    {}, kQuotaWrite, Need::watch),
                               parse_broadcast, last_fault_);
}

Result<BroadcastInfo> YouTubeClient::update_title(const BroadcastInfo& b, const std::string& title, int reserve) {
  // An update replaces the whole snippet: scheduledStartTime (required) and the description the
  // operator may have written are sent back as they were; only the title changes.
  const std::string body = fmt::format(R"({{"id":{},"snippet":{{"title":{},"description":{},"scheduledStartTime":{}}}}})",
                                       json_quote(b.id), json_quote(title), json_quote(b.description), json_quote(b.scheduled_start));
  return parsed<BroadcastInfo>(call("PUT", "/liveBroadcasts?part=snippet", body, kQuotaWrite, Need::optional, reserve), parse_broadcast,
                               last_fault_);
}

}  // namespace loopcast
