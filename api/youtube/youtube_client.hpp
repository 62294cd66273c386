// Typed calls of the YouTube Data API v3 that the watch makes: each charges its cost to the quota
// before it goes, carries a fresh access token, retries once after a 401 with a refreshed token,
// and classifies a failure (last_fault) so the caller knows whether to wait, back off or stop.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "api/youtube/api_http.hpp"
#include "api/youtube/oauth.hpp"
#include "api/youtube/quota.hpp"
#include "api/youtube/youtube_parse.hpp"

namespace loopcast {

// What liveBroadcasts.insert is given.
struct NewBroadcast {
  std::string title;
  std::string scheduled_start;  // ISO-8601 UTC (now: the broadcast is meant to go live at once)
  std::string privacy = "unlisted";
  bool auto_start = false, auto_stop = false;
  std::string latency = "normal";
};

class YouTubeClient {
 public:
  using Need = QuotaBudget::Need;
  // api_url: https://www.googleapis.com/youtube/v3. Not thread-safe: one watch thread uses it.
  YouTubeClient(ApiHttp& http, OAuth& auth, QuotaBudget& quota, std::string api_url);

  Result<std::vector<LiveStreamInfo>> list_streams();
  // filter: "broadcastStatus=active", "broadcastStatus=upcoming" or "id=B".
  Result<std::vector<BroadcastInfo>> list_broadcasts(const std::string& filter);
  Result<std::optional<int64_t>> viewers(const std::string& video_id);
  Result<BroadcastInfo> insert(const NewBroadcast& b);
  Result<BroadcastInfo> bind(const std::string& broadcast_id, const std::string& stream_id);
  Result<BroadcastInfo> transition(const std::string& broadcast_id, const std::string& to);  // testing | live | complete
  // An optional update: spends only what leaves `reserve` units for the watch until the reset.
  Result<BroadcastInfo> update_title(const BroadcastInfo& b, const std::string& title, int reserve);

  ApiFault last_fault() const { return last_fault_; }
  uint64_t calls() const { return calls_; }

 private:
  Result<std::string> call(const char* method, const std::string& path_query, const std::string& body, int cost, Need need,
                           int reserve = 0);
  ApiHttp& http_;
  OAuth& auth_;
  QuotaBudget& quota_;
  const std::string api_url_;
  ApiFault last_fault_ = ApiFault::none;
  uint64_t calls_ = 0;
};

}  // namespace loopcast
