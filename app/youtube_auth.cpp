#include "app/youtube_auth.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "api/youtube/oauth.hpp"
#include "base/redact.hpp"
#include "base/tls.hpp"

namespace loopcast {
namespace {
struct AuthArgs {
  std::string client_id, client_secret;
  std::string oauth_url = "https://oauth2.googleapis.com";
  std::string out = "youtube-refresh-token";  // a file (mode 0600), or "-" for stdout
  TlsPolicy tls;
};

const char* kUsage =
    "usage: loopcast youtube-auth [--client-id ID] [--client-secret S] [--out FILE|-] [--oauth-url URL] [--ca-file PEM]\n"
    "  Signs in to YouTube with Google's device flow (an OAuth client of type \"TVs and Limited Input devices\").\n"
    "  --client-id/--client-secret default to $LOOPCAST_YOUTUBE_CLIENT_ID/_SECRET. The refresh token goes to FILE\n"
    "  (mode 0600; default ./youtube-refresh-token) or, with --out -, to stdout once (for a Kubernetes Secret).\n";

int usage_error(const std::string& why) {
  fmt::print(stderr, "error: {}\n{}", why, kUsage);
  return 2;
}

// The token in a new file only its owner can read, replacing the old one whole.
bool write_private(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
  ::unlink(tmp.c_str());
  return false;
}
}  // namespace

int cmd_youtube_auth(const std::vector<std::string>& args) {
  AuthArgs a;
  if (const char* v = std::getenv("LOOPCAST_YOUTUBE_CLIENT_ID")) a.client_id = v;
  if (const char* v = std::getenv("LOOPCAST_YOUTUBE_CLIENT_SECRET")) a.client_secret = v;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& f = args[i];
    if (f == "--help" || f == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= args.size()) return usage_error(fmt::format("{}: missing value", f));
    const std::string& v = args[++i];
    if (f == "--client-id") a.client_id = v;
    else if (f == "--client-secret") a.client_secret = v;
    else if (f == "--oauth-url") a.oauth_url = v;
    else if (f == "--out") a.out = v;
    else if (f == "--ca-file") a.tls.ca_file = v;
    else return usage_error(fmt::format("unknown flag '{}'", f));
  }
  if (a.client_id.empty() || a.client_secret.empty()) return usage_error("the OAuth client id and secret are needed");
  register_secret(a.client_secret);
  set_tls_policy(a.tls);
  ApiHttp http(15);
  OAuth auth(http, a.oauth_url, OAuthClient{a.client_id, a.client_secret});
  auto code = auth.request_device_code();
  if (!code) {
    fmt::print(stderr, "error: {}\n", code.error());
    return 1;
  }
  // On stderr when the token goes to stdout: a pipe into `kubectl create secret` gets the token only.
  std::FILE* talk = a.out == "-" ? stderr : stdout;
  fmt::print(talk, "On any device, open {}\nand enter the code: {}\nWaiting for the sign-in (up to {} min)...\n", code->verification_url,
             code->user_code, code->expires_in / 60);
  std::fflush(talk);
  int interval = code->interval;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(code->expires_in);
  while (std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::seconds(interval));
    auto t = auth.poll_device(code->device_code);
    if (!t) {  // a network error: the code stays valid, keep polling
      fmt::print(stderr, "warning: {}\n", t.error());
      continue;
    }
    if (t->error == "authorization_pending") continue;
    if (t->error == "slow_down") {
      interval += 5;  // RFC 8628 §3.5
      continue;
    }
    if (!t->error.empty()) {
      fmt::print(stderr, "error: sign-in {}\n", t->error == "access_denied" ? "refused (access_denied)" : t->error);
      return 1;
    }
    if (t->refresh_token.empty()) {
      fmt::print(stderr, "error: Google granted access but sent no refresh token\n");
      return 1;
    }
    if (a.out == "-") {
      fmt::print("{}\n", t->refresh_token);
      return 0;
    }
    if (!write_private(a.out, t->refresh_token + "\n")) {
      fmt::print(stderr, "error: cannot write '{}'\n", a.out);
      return 1;
    }
    fmt::print("Signed in. The refresh token is in {} (mode 0600): set LOOPCAST_YOUTUBE_REFRESH_TOKEN from it.\n", a.out);
    return 0;
  }
  fmt::print(stderr, "error: the code expired before the sign-in\n");
  return 1;
}

}  // namespace loopcast
