// A loopback YouTube Data API v3 and Google OAuth (token + device code) for the YouTube tests,
// answering with the shapes of the public API reference. State lives in memory and is scriptable:
// end a broadcast, set the stream's health, revoke the access tokens (401), exhaust the quota,
// answer garbage. It counts every call and what it would cost (list 1, insert/update/bind/transition 50).
// Base URLs: api_url() (…/youtube/v3) and oauth_url() (…/device/code, …/token). Never a real Google.
#pragma once
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/loopback_http.hpp"

namespace loopcast::test {

class FakeYouTube {
 public:
  struct Broadcast {
    std::string id, title, scheduled_start, lifecycle = "ready", bound_stream, privacy = "unlisted", description;
    bool auto_start = false;
  };
  struct Stream {
    std::string id, stream_name, status = "active", health = "good";
    std::vector<std::string> issue_reasons;  // configurationIssues (type = reason, severity error)
  };

  static constexpr const char* kClientId = "fake-client.apps.googleusercontent.com";
  static constexpr const char* kClientSecret = "fake-client-secret-s3cr3t";
  static constexpr const char* kRefreshToken = "1//fake-refresh-token-r3fr3sh";

  // One liveStream with this stream key, and one live broadcast ("B1") bound to it.
  explicit FakeYouTube(std::string stream_key);
  std::string api_url() const { return http_.url("/youtube/v3"); }
  std::string oauth_url() const { return http_.url(""); }

  // Scripting (thread-safe).
  void end_broadcast(const std::string& id, const std::string& lifecycle = "complete");
  void set_health(const std::string& health, std::vector<std::string> issue_reasons = {});
  void set_stream_status(const std::string& status);
  void revoke_access_tokens();             // the next API call gets a 401; a refresh cures it
  void set_refresh_refused(bool refused);  // the token endpoint answers invalid_grant
  void set_quota_exceeded(bool on);        // every API call: 403 quotaExceeded
  void set_garbage(int calls);             // the next `calls` API answers are 200 with garbage
  void set_token_lifetime(int seconds);
  void set_viewers(int n);
  void set_description(const std::string& id, const std::string& text);
  // The device flow's answers to the next polls, in order ("authorization_pending", "slow_down",
  // "access_denied", or "grant"); after the script, every poll is granted.
  void script_device(std::vector<std::string> answers);

  // What happened.
  std::map<std::string, Broadcast> broadcasts() const;
  std::string live_broadcast_id() const;     // "" when none is live
  int calls(const std::string& what) const;  // "liveStreams.list", "liveBroadcasts.insert", "token.refresh", ...
  int units() const;                         // the quota the calls would have cost
  int api_calls() const;
  bool saw_token_in_clear(const std::string& token) const;  // a token reached a URL (query) instead of a header or body

 private:
  bool authorized(const httplib::Request& req, httplib::Response& res);
  bool scripted_failure(httplib::Response& res);
  void count(const std::string& what, int units);
  std::string broadcast_json(const Broadcast& b) const;
  std::string stream_json(const Stream& s) const;
  void routes();

  mutable std::mutex mu_;
  std::map<std::string, Broadcast> broadcasts_;
  Stream stream_;
  std::vector<std::string> access_tokens_;
  int next_token_ = 1, next_broadcast_ = 2, token_lifetime_ = 3600, garbage_ = 0, viewers_ = 42;
  bool quota_exceeded_ = false, refresh_refused_ = false;
  std::vector<std::string> device_script_;
  std::map<std::string, int> calls_;
  int units_ = 0;
  std::vector<std::string> urls_;
  LoopbackHttp http_;  // last: stopped first, while the state above still exists
};

}  // namespace loopcast::test
