// The YouTube Data API v3 answers loopcast reads, as the public reference shapes them
// (liveStreams, liveBroadcasts, videos, error bodies), parsed into plain values. Every field is
// checked for its type: a garbage answer is an error value, never a crash. Pure (fuzzed).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "control/status/status.hpp"

namespace loopcast {

using StreamIssue = YouTubeIssue;  // configurationIssues[]: type, severity, reason, description

// A liveStream: the ingest side (items[].cdn.ingestionInfo.streamName is the stream key).
struct LiveStreamInfo {
  std::string id;
  std::string stream_name;    // the stream key: compared, never shown
  std::string stream_status;  // active | inactive | ready | error | created
  std::string health;         // good | ok | bad | noData ("" when absent)
  std::vector<StreamIssue> issues;
};

// A liveBroadcast: the event viewers watch, bound to a liveStream.
struct BroadcastInfo {
  std::string id;
  std::string title;
  std::string scheduled_start;  // snippet.scheduledStartTime (an update must send it back)
  std::string description;      // snippet.description (an update replaces the snippet: sent back too)
  std::string lifecycle;        // created | ready | testing | live | complete | revoked | testStarting | liveStarting
  std::string bound_stream_id;  // contentDetails.boundStreamId ("" = unbound)
};

// What kind of failure an answer is, so the watch knows whether to refresh, wait or back off.
enum class ApiFault { none, unauthorized, quota, rate_limit, server, transport, bad_answer, refused };
const char* to_string(ApiFault f);

// A non-2xx answer: its kind and a short text ("403 quotaExceeded: The request cannot...").
struct ApiFailure {
  ApiFault fault = ApiFault::none;
  std::string text;
};
ApiFailure classify_answer(int status, const std::string& body);

Result<std::vector<LiveStreamInfo>> parse_live_streams(const std::string& body);
Result<std::vector<BroadcastInfo>> parse_broadcasts(const std::string& body);  // a list answer
Result<BroadcastInfo> parse_broadcast(const std::string& body);                // insert/bind/transition/update
// videos?part=liveStreamingDetails: concurrentViewers of the first item (none when not live).
Result<std::optional<int64_t>> parse_concurrent_viewers(const std::string& body);

// Whether a broadcast in this lifecycle is on air or about to be (not ended, not revoked).
bool broadcast_alive(const std::string& lifecycle);

}  // namespace loopcast
