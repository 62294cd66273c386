#include "base/redact.hpp"

#include <map>
#include <vector>

#include "base/thread_annotations.hpp"
#include "base/url.hpp"

namespace loopcast {
namespace {
// Too short to redact without mangling ordinary text.
constexpr size_t kMinSecret = 4;

Mutex g_mu;
std::vector<std::string> g_secrets GUARDED_BY(g_mu);                        // process-wide
std::map<std::string, std::vector<std::string>> g_owned GUARDED_BY(g_mu);  // per owner (stream)

void replace_all(std::string& out, const std::string& s) {
  for (size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 4)) out.replace(pos, s.size(), "****");
}
}  // namespace

std::string redact_url(std::string_view url, bool ingest) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, scheme_end + 3));
  std::string_view rest = url.substr(scheme_end + 3);
  // youtube-hls://KEY (engine/output/output_kind.hpp) and the platform shortcuts youtube://KEY,
  // twitch://KEY, ... (engine/output/platform.hpp): the whole authority is the stream key.
  const std::string_view scheme = url.substr(0, scheme_end);
  for (std::string_view keyed : {"youtube-hls", "youtube-hls-backup", "youtube", "youtube-backup", "twitch", "facebook"})
    if (scheme == keyed) return rest.empty() ? out : out + "****";
  auto slash = rest.find_first_of("/?");  // "rtmp://host?key=K" has a query and no path
  std::string_view authority = rest.substr(0, slash);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    out += "****@";
    authority = authority.substr(at + 1);
  }
  out += authority;
  if (slash == std::string_view::npos) return out;
  std::string_view path = rest.substr(slash);
  // Query values may carry tokens: keep the names only.
  std::string_view query;
  if (auto q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  // Ingest URLs (rtmp, rtmps, srt, anything not http/file): /app/KEY — the last path segment is
  // the stream key. HTTP paths are mount names and stay readable.
  const bool web = !ingest && (out.rfind("http://", 0) == 0 || out.rfind("https://", 0) == 0 || out.rfind("file://", 0) == 0);
  // The last non-empty segment: "/live2/KEY/" hides KEY too.
  std::string_view trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  auto last = trimmed.rfind('/');
  // (A one-segment path followed by a query is the app name of YouTube's "?backup=1/KEY" form.)
  if (last != std::string_view::npos && last + 1 < trimmed.size() && !web && (last != 0 || query.empty())) {
    out += path.substr(0, last + 1);
    out += "****";
    out += path.substr(trimmed.size());
  } else {
    out += path;
  }
  if (!query.empty()) {
    out += '?';
    size_t pos = 0;
    while (pos <= query.size()) {
      auto amp = query.find('&', pos);
      std::string_view kv = query.substr(pos, amp == std::string_view::npos ? query.npos : amp - pos);
      auto eq = kv.find('=');
      out += kv.substr(0, eq);
      if (eq != std::string_view::npos) out += "=****";
      // YouTube backup URLs put the key after the query: ?backup=1/KEY
      if (auto ks = kv.find('/'); ks != std::string_view::npos && eq != std::string_view::npos && ks > eq)
        out += "/****";
      if (amp == std::string_view::npos) break;
      out += '&';
      pos = amp + 1;
    }
  }
  return out;
}

void register_secret(std::string secret) {
  if (secret.size() < kMinSecret) return;
  MutexLock lk(g_mu);
  for (auto& s : g_secrets)
    if (s == secret) return;
  g_secrets.push_back(std::move(secret));
}

std::vector<std::string> url_secrets(std::string_view url) {
  std::vector<std::string> out;
  if (url.find("://") == std::string_view::npos) return out;
  const std::string_view info = url_authority(url).userinfo;
  if (const auto colon = info.find(':'); !info.empty()) out.emplace_back(colon == std::string_view::npos ? info : info.substr(colon + 1));
  if (const auto q = url.find('?'); q != std::string_view::npos) {
    std::string_view query = url.substr(q + 1);
    query = query.substr(0, query.find('#'));
    while (!query.empty()) {
      const std::string_view kv = query.substr(0, query.find('&'));
      if (const auto eq = kv.find('='); eq != std::string_view::npos) out.emplace_back(kv.substr(eq + 1));
      if (kv.size() >= query.size()) break;
      query.remove_prefix(kv.size() + 1);
    }
  }
  return out;
}

void register_url_secrets(std::string_view url) {
  for (auto& s : url_secrets(url)) register_secret(std::move(s));
}

void set_owned_secrets(const std::string& owner, std::vector<std::string> secrets) {
  std::erase_if(secrets, [](const std::string& s) { return s.size() < kMinSecret; });
  MutexLock lk(g_mu);
  if (secrets.empty()) g_owned.erase(owner);
  else g_owned[owner] = std::move(secrets);
}

void forget_owned_secrets(const std::string& owner) {
  MutexLock lk(g_mu);
  g_owned.erase(owner);
}

size_t registered_secrets() {
  MutexLock lk(g_mu);
  size_t n = g_secrets.size();
  for (const auto& [owner, list] : g_owned) n += list.size();
  return n;
}

std::string redact_text(std::string_view text) {
  std::string out(text);
  MutexLock lk(g_mu);
  for (const auto& s : g_secrets) replace_all(out, s);
  for (const auto& [owner, list] : g_owned)
    for (const auto& s : list) replace_all(out, s);
  return out;
}

}  // namespace loopcast
