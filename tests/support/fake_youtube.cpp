#include "tests/support/fake_youtube.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "base/json_text.hpp"

namespace loopcast::test {
namespace {
std::string error_body(int code, const std::string& reason, const std::string& message) {
  return fmt::format(R"({{"error":{{"code":{},"message":{},"errors":[{{"message":{},"domain":"youtube.quota","reason":{}}}]}}}})", code,
                     json_quote(message), json_quote(message), json_quote(reason));
}
std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace

FakeYouTube::FakeYouTube(std::string stream_key) {
  stream_ = Stream{"S-fake-stream-1", std::move(stream_key)};
  broadcasts_["B1"] = Broadcast{"B1", "Radio – 24/7", "2026-01-01T00:00:00Z", "live", stream_.id};
  routes();
  http_.start();
}

void FakeYouTube::count(const std::string& what, int units) {
  calls_[what]++;
  units_ += units;
}

bool FakeYouTube::authorized(const httplib::Request& req, httplib::Response& res) {
  urls_.push_back(req.target);
  const std::string auth = req.get_header_value("Authorization");
  for (const auto& t : access_tokens_)
    if (auth == "Bearer " + t) return true;
  res.status = 401;
  res.set_content(
      R"({"error":{"code":401,"message":"Request had invalid authentication credentials.","errors":[{"message":"Invalid Credentials",)"
      R"("domain":"global","reason":"authError","location":"Authorization","locationType":"header"}],"status":"UNAUTHENTICATED"}})",
      "application/json");
  return false;
}

bool FakeYouTube::scripted_failure(httplib::Response& res) {
  if (quota_exceeded_) {
    res.status = 403;
    res.set_content(error_body(403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota."),
                    "application/json");
    return true;
  }
  if (garbage_ > 0) {
    --garbage_;
    res.status = 200;
    res.set_content(garbage_ % 2 ? R"({"items":"not-a-list")" : R"([{"items":[1,2,3]}, {"id":7}])", "application/json");
    return true;
  }
  return false;
}

std::string FakeYouTube::broadcast_json(const Broadcast& b) const {
  return fmt::format(
      R"({{"kind":"youtube#liveBroadcast","etag":"e-{0}","id":{1},"snippet":{{"publishedAt":"2026-01-01T00:00:00Z",)"
      R"("channelId":"UCfake","title":{2},"description":{8},"scheduledStartTime":{3},"isDefaultBroadcast":false,"liveChatId":"chat-{0}"}},)"
      R"("status":{{"lifeCycleStatus":{4},"privacyStatus":{5},"recordingStatus":"recording","madeForKids":false,"selfDeclaredMadeForKids":false}},)"
      R"("contentDetails":{{{6}"enableAutoStart":{7},"enableAutoStop":false,"latencyPreference":"normal",)"
      R"("monitorStream":{{"enableMonitorStream":false,"broadcastStreamDelayMs":0}}}}}})",
      b.id, json_quote(b.id), json_quote(b.title), json_quote(b.scheduled_start), json_quote(b.lifecycle), json_quote(b.privacy),
      b.bound_stream.empty()
          ? std::string()
          : fmt::format(R"("boundStreamId":{},"boundStreamLastUpdateTimeMs":"2026-01-01T00:00:00Z",)", json_quote(b.bound_stream)),
      b.auto_start, json_quote(b.description));
}

std::string FakeYouTube::stream_json(const Stream& s) const {
  std::string issues;
  for (const auto& r : s.issue_reasons)
    issues += fmt::format(R"({}{{"type":{},"severity":"error","reason":{},"description":"The stream's {} needs attention."}})",
                          issues.empty() ? "" : ",", json_quote(r), json_quote(r), r);
  return fmt::format(
      R"({{"kind":"youtube#liveStream","etag":"s","id":{},"snippet":{{"publishedAt":"2026-01-01T00:00:00Z","channelId":"UCfake",)"
      R"("title":"Default stream key","isDefaultStream":false}},"cdn":{{"ingestionType":"rtmp","ingestionInfo":{{"streamName":{},)"
      R"("ingestionAddress":"rtmp://a.rtmp.youtube.com/live2","backupIngestionAddress":"rtmp://b.rtmp.youtube.com/live2?backup=1",)"
      R"("rtmpsIngestionAddress":"rtmps://a.rtmps.youtube.com/live2"}},"resolution":"variable","frameRate":"variable"}},)"
      R"("status":{{"streamStatus":{},"healthStatus":{{"status":{},"lastUpdateTimeSeconds":"1767225600","configurationIssues":[{}]}}}},)"
      R"("contentDetails":{{"isReusable":true}}}})",
      json_quote(s.id), json_quote(s.stream_name), json_quote(s.status), json_quote(s.health), issues);
}

void FakeYouTube::routes() {
  auto& srv = http_.routes();
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  srv.Post("/device/code", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    count("device.code", 0);
    if (req.get_param_value("client_id") != kClientId || req.get_param_value("scope") != "https://www.googleapis.com/auth/youtube") {
      res.status = 401;
      res.set_content(R"({"error":"invalid_client","error_description":"The OAuth client was not found."})", "application/json");
      return;
    }
    res.set_content(R"({"device_code":"AH-fake-device-code","user_code":"FAKE-CODE","expires_in":1800,"interval":1,)"
                    R"("verification_url":"https://www.google.com/device"})",
                    "application/json");
  });
  srv.Post("/token", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    auto oauth_error = [&](int status, const char* error) {
      res.status = status;
      res.set_content(fmt::format(R"({{"error":"{}","error_description":"fake"}})", error), "application/json");
    };
    if (req.get_param_value("client_id") != kClientId || req.get_param_value("client_secret") != kClientSecret)
      return oauth_error(401, "invalid_client");
    const std::string grant = req.get_param_value("grant_type");
    std::string refresh;
    if (grant == "refresh_token") {
      count("token.refresh", 0);
      if (refresh_refused_ || req.get_param_value("refresh_token") != kRefreshToken) return oauth_error(400, "invalid_grant");
    } else if (grant == "urn:ietf:params:oauth:grant-type:device_code") {
      count("token.device", 0);
      if (req.get_param_value("device_code") != "AH-fake-device-code") return oauth_error(400, "invalid_grant");
      if (!device_script_.empty()) {
        const std::string next = device_script_.front();
        device_script_.erase(device_script_.begin());
        if (next != "grant") return oauth_error(next == "slow_down" || next == "access_denied" ? 403 : 428, next.c_str());
      }
      refresh = kRefreshToken;
    } else {
      return oauth_error(400, "unsupported_grant_type");
    }
    const std::string token = fmt::format("ya29.fake-access-{}", next_token_++);
    access_tokens_.push_back(token);
    res.set_content(
        fmt::format(R"({{"access_token":"{}","expires_in":{},"scope":"https://www.googleapis.com/auth/youtube","token_type":"Bearer"{}}})",
                    token, token_lifetime_, refresh.empty() ? "" : fmt::format(R"(,"refresh_token":"{}")", refresh)),
        "application/json");
  });
  srv.Get("/youtube/v3/liveStreams", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("liveStreams.list", 1);
    if (scripted_failure(res)) return;
    res.set_content(
        fmt::format(
            R"({{"kind":"youtube#liveStreamListResponse","etag":"l","pageInfo":{{"totalResults":1,"resultsPerPage":50}},"items":[{}]}})",
            stream_json(stream_)),
        "application/json");
  });
  srv.Get("/youtube/v3/liveBroadcasts", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("liveBroadcasts.list", 1);
    if (scripted_failure(res)) return;
    const std::string status = req.get_param_value("broadcastStatus"), ids = "," + req.get_param_value("id") + ",";
    std::string items;
    for (auto& [id, b] : broadcasts_) {
      // A broadcast set to start itself goes live once its bound stream is active (YouTube's auto-start).
      if (b.auto_start && b.lifecycle == "ready" && b.bound_stream == stream_.id && stream_.status == "active") b.lifecycle = "live";
      const bool active =
          b.lifecycle == "live" || b.lifecycle == "liveStarting" || b.lifecycle == "testing" || b.lifecycle == "testStarting";
      const bool upcoming = b.lifecycle == "created" || b.lifecycle == "ready";
      const bool match = req.has_param("id")     ? ids.find("," + id + ",") != std::string::npos
                         : status == "active"    ? active
                         : status == "upcoming"  ? upcoming
                         : status == "completed" ? b.lifecycle == "complete"
                                                 : true;
      if (match) items += (items.empty() ? "" : ",") + broadcast_json(b);
    }
    res.set_content(
        fmt::format(
            R"({{"kind":"youtube#liveBroadcastListResponse","etag":"b","pageInfo":{{"totalResults":9,"resultsPerPage":50}},"items":[{}]}})",
            items),
        "application/json");
  });
  srv.Post("/youtube/v3/liveBroadcasts", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("liveBroadcasts.insert", 50);
    if (scripted_failure(res)) return;
    rapidjson::Document d;
    d.Parse(req.body.c_str());
    if (!d.IsObject() || !d.HasMember("snippet") || !d["snippet"].IsObject() || !d["snippet"].HasMember("title") ||
        !d["snippet"].HasMember("scheduledStartTime")) {
      res.status = 400;
      res.set_content(error_body(400, "invalidBroadcast", "snippet.title and snippet.scheduledStartTime are required"), "application/json");
      return;
    }
    Broadcast b;
    b.id = fmt::format("B{}", next_broadcast_++);
    b.title = d["snippet"]["title"].GetString();
    b.scheduled_start = d["snippet"]["scheduledStartTime"].GetString();
    b.lifecycle = "created";
    if (d.HasMember("status") && d["status"].HasMember("privacyStatus")) b.privacy = d["status"]["privacyStatus"].GetString();
    if (d.HasMember("contentDetails") && d["contentDetails"].HasMember("enableAutoStart"))
      b.auto_start = d["contentDetails"]["enableAutoStart"].GetBool();
    broadcasts_[b.id] = b;
    res.set_content(broadcast_json(b), "application/json");
  });
  srv.Put("/youtube/v3/liveBroadcasts", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("liveBroadcasts.update", 50);
    if (scripted_failure(res)) return;
    rapidjson::Document d;
    d.Parse(req.body.c_str());
    if (!d.IsObject() || !d.HasMember("id") || !broadcasts_.count(d["id"].GetString()) || !d.HasMember("snippet") ||
        !d["snippet"].HasMember("scheduledStartTime")) {
      res.status = 400;
      res.set_content(error_body(400, "invalidScheduledStartTime", "id and snippet.scheduledStartTime are required"), "application/json");
      return;
    }
    auto& b = broadcasts_[d["id"].GetString()];
    b.title = d["snippet"]["title"].GetString();
    // Like YouTube: the snippet is replaced whole, so a description not sent back is gone.
    b.description = d["snippet"].HasMember("description") && d["snippet"]["description"].IsString() ? d["snippet"]["description"].GetString() : "";
    res.set_content(broadcast_json(b), "application/json");
  });
  srv.Post("/youtube/v3/liveBroadcasts/bind", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("liveBroadcasts.bind", 50);
    if (scripted_failure(res)) return;
    auto it = broadcasts_.find(req.get_param_value("id"));
    if (it == broadcasts_.end() || req.get_param_value("streamId") != stream_.id) {
      res.status = 404;
      res.set_content(error_body(404, "liveBroadcastNotFound", "Broadcast not found"), "application/json");
      return;
    }
    it->second.bound_stream = stream_.id;
    if (it->second.lifecycle == "created") it->second.lifecycle = "ready";
    res.set_content(broadcast_json(it->second), "application/json");
  });
  srv.Post("/youtube/v3/liveBroadcasts/transition", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("liveBroadcasts.transition", 50);
    if (scripted_failure(res)) return;
    auto it = broadcasts_.find(req.get_param_value("id"));
    const std::string to = req.get_param_value("broadcastStatus");
    if (it == broadcasts_.end()) {
      res.status = 404;
      res.set_content(error_body(404, "liveBroadcastNotFound", "Broadcast not found"), "application/json");
      return;
    }
    if (to == "live" && (stream_.status != "active" || it->second.bound_stream != stream_.id)) {
      res.status = 403;
      res.set_content(error_body(403, "errorStreamInactive", "The stream is not active"), "application/json");
      return;
    }
    if (to == "live" && (it->second.lifecycle == "live" || it->second.lifecycle == "complete")) {
      res.status = 403;
      res.set_content(error_body(403, "invalidTransition", "Invalid transition"), "application/json");
      return;
    }
    it->second.lifecycle = to == "live" ? "live" : to == "testing" ? "testing" : "complete";
    res.set_content(broadcast_json(it->second), "application/json");
  });
  srv.Get("/youtube/v3/videos", [this](Req req, Res res) {
    std::lock_guard lk(mu_);
    if (!authorized(req, res)) return;
    count("videos.list", 1);
    if (scripted_failure(res)) return;
    auto it = broadcasts_.find(req.get_param_value("id"));
    std::string items;
    if (it != broadcasts_.end())
      items =
          fmt::format(R"({{"kind":"youtube#video","id":{},"liveStreamingDetails":{{"actualStartTime":"{}"{}}}}})", json_quote(it->first),
                      now_iso(), it->second.lifecycle == "live" ? fmt::format(R"(,"concurrentViewers":"{}")", viewers_) : "");
    res.set_content(fmt::format(R"({{"kind":"youtube#videoListResponse","items":[{}]}})", items), "application/json");
  });
}

void FakeYouTube::end_broadcast(const std::string& id, const std::string& lifecycle) {
  std::lock_guard lk(mu_);
  broadcasts_[id].lifecycle = lifecycle;
}
void FakeYouTube::set_health(const std::string& health, std::vector<std::string> issue_reasons) {
  std::lock_guard lk(mu_);
  stream_.health = health;
  stream_.issue_reasons = std::move(issue_reasons);
}
void FakeYouTube::set_stream_status(const std::string& status) {
  std::lock_guard lk(mu_);
  stream_.status = status;
}
void FakeYouTube::revoke_access_tokens() {
  std::lock_guard lk(mu_);
  access_tokens_.clear();
}
void FakeYouTube::set_refresh_refused(bool refused) {
  std::lock_guard lk(mu_);
  refresh_refused_ = refused;
}
void FakeYouTube::set_quota_exceeded(bool on) {
  std::lock_guard lk(mu_);
  quota_exceeded_ = on;
}
void FakeYouTube::set_garbage(int calls) {
  std::lock_guard lk(mu_);
  garbage_ = calls;
}
void FakeYouTube::set_token_lifetime(int seconds) {
  std::lock_guard lk(mu_);
  token_lifetime_ = seconds;
}
void FakeYouTube::set_viewers(int n) {
  std::lock_guard lk(mu_);
  viewers_ = n;
}
void FakeYouTube::set_description(const std::string& id, const std::string& text) {
  std::lock_guard lk(mu_);
  broadcasts_[id].description = text;
}
void FakeYouTube::script_device(std::vector<std::string> answers) {
  std::lock_guard lk(mu_);
  device_script_ = std::move(answers);
}
std::map<std::string, FakeYouTube::Broadcast> FakeYouTube::broadcasts() const {
  std::lock_guard lk(mu_);
  return broadcasts_;
}
std::string FakeYouTube::live_broadcast_id() const {
  std::lock_guard lk(mu_);
  for (const auto& [id, b] : broadcasts_)
    if (b.lifecycle == "live" && b.bound_stream == stream_.id) return id;
  return {};
}
int FakeYouTube::calls(const std::string& what) const {
  std::lock_guard lk(mu_);
  auto it = calls_.find(what);
  return it == calls_.end() ? 0 : it->second;
}
int FakeYouTube::units() const {
  std::lock_guard lk(mu_);
  return units_;
}
int FakeYouTube::api_calls() const {
  std::lock_guard lk(mu_);
  int n = 0;
  for (const auto& [what, c] : calls_)
    if (what.rfind("token", 0) != 0 && what.rfind("device", 0) != 0) n += c;
  return n;
}
bool FakeYouTube::saw_token_in_clear(const std::string& token) const {
  std::lock_guard lk(mu_);
  for (const auto& u : urls_)
    if (u.find(token) != std::string::npos) return true;
  return false;
}

}  // namespace loopcast::test
