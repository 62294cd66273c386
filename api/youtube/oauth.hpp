// Google OAuth 2.0 for loopcast: the device flow (`loopcast youtube-auth`: a code to type on
// another device, no browser on the server) and the refresh grant at run time, with the access
// token cached until shortly before it expires. Tokens and the client secret are registered as
// secrets, so no log line, status or error can show them.
#pragma once
#include <chrono>
#include <string>

#include "api/youtube/api_http.hpp"
#include "base/result.hpp"

namespace loopcast {

constexpr const char* kYouTubeScope = "https://www.googleapis.com/auth/youtube";

struct OAuthClient {
  std::string client_id;
  std::string client_secret;
};

// POST {oauth}/device/code's answer.
struct DeviceCode {
  std::string device_code;  // secret: only for polling
  std::string user_code;    // what the operator types
  std::string verification_url;
  int expires_in = 1800;  // seconds
  int interval = 5;       // seconds between polls
};

// POST {oauth}/token's answer: a grant, or the error code of the OAuth spec
// (authorization_pending, slow_down, access_denied, expired_token, invalid_grant...).
struct TokenAnswer {
  std::string error;  // "" = granted
  std::string access_token;
  std::string refresh_token;  // device flow only ("" on a refresh)
  double expires_in = 3600;
};

Result<DeviceCode> parse_device_code(const std::string& body);
Result<TokenAnswer> parse_token_answer(const std::string& body);
// application/x-www-form-urlencoded value.
std::string form_encode(const std::string& text);
std::string without_trailing_slash(std::string url);

class OAuth {
 public:
  using Clock = std::chrono::steady_clock;
  // oauth_url: https://oauth2.googleapis.com (its /device/code and /token).
  OAuth(ApiHttp& http, std::string oauth_url, OAuthClient client, std::string refresh_token = {});

  Result<DeviceCode> request_device_code();
  // One poll of the device flow; the caller waits `interval` between polls (+5 s on slow_down).
  Result<TokenAnswer> poll_device(const std::string& device_code);

  // The cached access token, refreshed first when it expires within kMargin or when `force`
  // (the API answered 401). An error when the refresh grant is refused or unreachable.
  Result<std::string> access_token(Clock::time_point now, bool force = false);
  static constexpr std::chrono::seconds kMargin{120};

 private:
  Result<TokenAnswer> post_token(const std::string& form);
  ApiHttp& http_;
  const std::string oauth_url_;
  const OAuthClient client_;
  const std::string refresh_token_;
  std::string access_;
  Clock::time_point expires_{};
};

}  // namespace loopcast
