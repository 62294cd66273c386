#include "api/youtube/oauth.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "base/redact.hpp"
#include "base/json_text.hpp"

namespace loopcast {
namespace {
std::string text_of(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

// A number of seconds that may arrive as a number or as a string of digits.
double seconds_of(const rapidjson::Value& v, const char* name, double fallback) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return fallback;
  if (it->value.IsNumber()) return it->value.GetDouble();
  if (it->value.IsString()) return std::atof(it->value.GetString());
  return fallback;
}
}  // namespace

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string form_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

Result<DeviceCode> parse_device_code(const std::string& body) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, "device/code"); !st) return st.forward();
  if (!doc.IsObject()) return Error{"device/code: unexpected answer: not a JSON object", Errc::invalid};
  if (std::string e = text_of(doc, "error"); !e.empty()) return Error{fmt::format("device/code: {}", e), Errc::invalid};
  DeviceCode d;
  d.device_code = text_of(doc, "device_code");
  d.user_code = text_of(doc, "user_code");
  d.verification_url = text_of(doc, "verification_url");
  if (d.verification_url.empty()) d.verification_url = text_of(doc, "verification_uri");  // RFC 8628's spelling
  d.expires_in = static_cast<int>(seconds_of(doc, "expires_in", 1800));
  d.interval = static_cast<int>(seconds_of(doc, "interval", 5));
  if (d.device_code.empty() || d.user_code.empty() || d.verification_url.empty())
    return Error{"device/code: unexpected answer: device_code, user_code or verification_url missing", Errc::invalid};
  if (d.interval < 1 || d.interval > 60) d.interval = 5;
  register_secret(d.device_code);
  return d;
}

Result<TokenAnswer> parse_token_answer(const std::string& body) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, "token"); !st) return st.forward();
  if (!doc.IsObject()) return Error{"token: unexpected answer: not a JSON object", Errc::invalid};
  TokenAnswer t;
  t.error = text_of(doc, "error");
  if (!t.error.empty()) return t;
  t.access_token = text_of(doc, "access_token");
  t.refresh_token = text_of(doc, "refresh_token");
  t.expires_in = seconds_of(doc, "expires_in", 3600);
  if (t.access_token.empty()) return Error{"token: unexpected answer: no access_token and no error", Errc::invalid};
  register_secret(t.access_token);
  register_secret(t.refresh_token);
  return t;
}

OAuth::OAuth(ApiHttp& http, std::string oauth_url, OAuthClient client, std::string refresh_token)
    : http_(http),
      oauth_url_(without_trailing_slash(std::move(oauth_url))),
      client_(std::move(client)),
      refresh_token_(std::move(refresh_token)) {
  register_secret(client_.client_secret);
  register_secret(refresh_token_);
}

Result<DeviceCode> OAuth::request_device_code() {
  HttpCall call{"POST",
                oauth_url_ + "/device/code",
                {},
                fmt::format("client_id={}&scope={}", form_encode(client_.client_id), form_encode(kYouTubeScope)),
                "application/x-www-form-urlencoded"};
  auto answer = http_.send(call);
  if (!answer) return answer.forward();
  auto code = parse_device_code(answer->body);
  if (!code) return Error{fmt::format("{} (HTTP {})", code.error(), answer->status), code.code()};
  return code;
}

Result<TokenAnswer> OAuth::post_token(const std::string& form) {
  auto answer = http_.send(HttpCall{"POST", oauth_url_ + "/token", {}, form, "application/x-www-form-urlencoded"});
  if (!answer) return answer.forward();
  auto token = parse_token_answer(answer->body);
  if (!token)
    return Error{fmt::format("{} (HTTP {})", redact_text(token.error()), answer->status),
                 answer->status >= 500 ? Errc::unavailable : token.code()};
  return token;
}

Result<TokenAnswer> OAuth::poll_device(const std::string& device_code) {
  return post_token(fmt::format("client_id={}&client_secret={}&device_code={}&grant_type={}", form_encode(client_.client_id),
                                form_encode(client_.client_secret), form_encode(device_code),
                                form_encode("urn:ietf:params:oauth:grant-type:device_code")));
}

Result<std::string> OAuth::access_token(Clock::time_point now, bool force) {
  if (!force && !access_.empty() && now + kMargin < expires_) return access_;
  if (refresh_token_.empty())
    return Error{"no YouTube refresh token (LOOPCAST_YOUTUBE_REFRESH_TOKEN; run `loopcast youtube-auth`)", Errc::invalid};
  auto t = post_token(fmt::format("client_id={}&client_secret={}&refresh_token={}&grant_type=refresh_token", form_encode(client_.client_id),
                                  form_encode(client_.client_secret), form_encode(refresh_token_)));
  if (!t) return Error{fmt::format("token refresh: {}", t.error()), t.code()};
  if (!t->error.empty()) {
    access_.clear();
    const char* hint = t->error == "invalid_grant" ? " (the refresh token was revoked or expired: run `loopcast youtube-auth` again)" : "";
    return Error{fmt::format("token refresh refused: {}{}", t->error, hint), Errc::invalid};
  }
  access_ = t->access_token;
  expires_ = now + std::chrono::seconds(static_cast<int64_t>(t->expires_in));
  return access_;
}

}  // namespace loopcast
