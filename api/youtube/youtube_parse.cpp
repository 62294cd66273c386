#include "api/youtube/youtube_parse.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "base/json_text.hpp"

namespace loopcast {
namespace {
using Value = rapidjson::Value;

const Value* member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// The string at a path of object members ("" when any step is missing or not of that type).
std::string text_at(const Value& v, std::initializer_list<const char*> path) {
  const Value* cur = &v;
  for (const char* p : path)
    if (!(cur = member(*cur, p))) return {};
  return cur->IsString() ? std::string(cur->GetString(), cur->GetStringLength()) : std::string();
}

Error garbage(const std::string& what, const std::string& why) {
  return Error{fmt::format("{}: unexpected answer: {}", what, why), Errc::invalid};
}

// The "items" array of a list answer.
Result<const Value*> items_of(const rapidjson::Document& doc, const std::string& what) {
  if (!doc.IsObject()) return garbage(what, "not a JSON object");
  const Value* items = member(doc, "items");
  if (!items) return garbage(what, "no \"items\"");
  if (!items->IsArray()) return garbage(what, "\"items\" is not an array");
  return items;
}

Result<BroadcastInfo> broadcast_from(const Value& item, const std::string& what) {
  if (!item.IsObject()) return garbage(what, "an item is not an object");
  BroadcastInfo b;
  b.id = text_at(item, {"id"});
  if (b.id.empty()) return garbage(what, "a broadcast without an id");
  b.title = text_at(item, {"snippet", "title"});
  b.scheduled_start = text_at(item, {"snippet", "scheduledStartTime"});
  b.description = text_at(item, {"snippet", "description"});
  b.lifecycle = text_at(item, {"status", "lifeCycleStatus"});
  b.bound_stream_id = text_at(item, {"contentDetails", "boundStreamId"});
  return b;
}
}  // namespace

const char* to_string(ApiFault f) {
  switch (f) {
    case ApiFault::none:
      return "none";
    case ApiFault::unauthorized:
      return "unauthorized";
    case ApiFault::quota:
      return "quota";
    case ApiFault::rate_limit:
      return "rate_limit";
    case ApiFault::server:
      return "server";
    case ApiFault::transport:
      return "transport";
    case ApiFault::bad_answer:
      return "bad_answer";
    case ApiFault::refused:
      return "refused";
  }
  return "unknown";
}

ApiFailure classify_answer(int status, const std::string& body) {
  if (status >= 200 && status < 300) return {};
  // {"error":{"code":403,"message":"...","errors":[{"reason":"quotaExceeded",...}]}}
  std::string reason, message;
  rapidjson::Document doc;
  if (parse_json(doc, body) && doc.IsObject()) {
    if (const Value* e = member(doc, "error"); e && e->IsObject()) {
      message = text_at(*e, {"message"});
      if (const Value* errs = member(*e, "errors"); errs && errs->IsArray() && !errs->Empty()) reason = text_at(*errs->Begin(), {"reason"});
      if (reason.empty()) reason = text_at(*e, {"status"});
    }
  }
  if (message.size() > 200) message = message.substr(0, 200) + "…";
  ApiFailure f;
  f.text = fmt::format("{}{}{}{}", status, reason.empty() ? "" : " ", reason, message.empty() ? "" : ": " + message);
  if (status == 401) f.fault = ApiFault::unauthorized;
  else if (reason == "quotaExceeded" || reason == "dailyLimitExceeded") f.fault = ApiFault::quota;
  else if (status == 429 || reason == "rateLimitExceeded" || reason == "userRateLimitExceeded") f.fault = ApiFault::rate_limit;
  else if (status >= 500) f.fault = ApiFault::server;
  else f.fault = ApiFault::refused;
  return f;
}

Result<std::vector<LiveStreamInfo>> parse_live_streams(const std::string& body) {
  const std::string what = "liveStreams.list";
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, what); !st) return st.forward();
  auto items = items_of(doc, what);
  if (!items) return items.forward();
  std::vector<LiveStreamInfo> out;
  for (const auto& item : (*items)->GetArray()) {
    if (!item.IsObject()) return garbage(what, "an item is not an object");
    LiveStreamInfo s;
    s.id = text_at(item, {"id"});
    if (s.id.empty()) return garbage(what, "a stream without an id");
    s.stream_name = text_at(item, {"cdn", "ingestionInfo", "streamName"});
    s.stream_status = text_at(item, {"status", "streamStatus"});
    s.health = text_at(item, {"status", "healthStatus", "status"});
    const Value* status = member(item, "status");
    const Value* health = status ? member(*status, "healthStatus") : nullptr;
    if (const Value* issues = health ? member(*health, "configurationIssues") : nullptr; issues && issues->IsArray()) {
      for (const auto& i : issues->GetArray())
        if (i.IsObject())
          s.issues.push_back({text_at(i, {"type"}), text_at(i, {"severity"}), text_at(i, {"reason"}), text_at(i, {"description"})});
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<BroadcastInfo>> parse_broadcasts(const std::string& body) {
  const std::string what = "liveBroadcasts.list";
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, what); !st) return st.forward();
  auto items = items_of(doc, what);
  if (!items) return items.forward();
  std::vector<BroadcastInfo> out;
  for (const auto& item : (*items)->GetArray()) {
    auto b = broadcast_from(item, what);
    if (!b) return b.forward();
    out.push_back(std::move(*b));
  }
  return out;
}

Result<BroadcastInfo> parse_broadcast(const std::string& body) {
  const std::string what = "liveBroadcast";
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, what); !st) return st.forward();
  return broadcast_from(doc, what);
}

Result<std::optional<int64_t>> parse_concurrent_viewers(const std::string& body) {
  const std::string what = "videos.list";
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, what); !st) return st.forward();
  auto items = items_of(doc, what);
  if (!items) return items.forward();
  if ((*items)->Empty()) return std::optional<int64_t>{};
  const Value& item = *(*items)->Begin();
  if (!item.IsObject()) return garbage(what, "an item is not an object");
  const Value* details = member(item, "liveStreamingDetails");
  const Value* viewers = details ? member(*details, "concurrentViewers") : nullptr;
  if (!viewers) return std::optional<int64_t>{};
  // The API sends it as a string of digits ("uint64" in its JSON); a number is accepted too.
  if (viewers->IsInt64()) return std::optional<int64_t>{viewers->GetInt64()};
  if (!viewers->IsString()) return garbage(what, "concurrentViewers is neither a number nor a string");
  const std::string v = viewers->GetString();
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 0) return garbage(what, "concurrentViewers is not a count");
  return std::optional<int64_t>{static_cast<int64_t>(n)};
}

bool broadcast_alive(const std::string& l) {
  return l == "created" || l == "ready" || l == "testing" || l == "testStarting" || l == "liveStarting" || l == "live";
}

}  // namespace loopcast
