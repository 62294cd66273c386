// Keeps stream keys and credentials out of logs, status and errors.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace loopcast {

// rtmps://a.rtmps.youtube.com/live2/abcd-efgh → rtmps://a.rtmps.youtube.com/live2/****
// Also hides user:password@ and query values. Non-URL text is returned unchanged.
// `ingest`: the URL is a publish target, so its last path segment is a key whatever the scheme.
// youtube-hls://KEY and youtube-hls-backup://KEY are all key: youtube-hls://****, ingest or not.
std::string redact_url(std::string_view url, bool ingest = false);

// Replaces every occurrence of the registered secrets (stream keys, tokens) in free text.
// Process-wide secrets (the environment's key, the API token) stay registered for good.
void register_secret(std::string secret);
// Registers what redact_url() would hide in `url` (the password in user:password@, query values),
// so log lines that quote the URL some other way are covered too.
void register_url_secrets(std::string_view url);
// What register_url_secrets() would register for `url`.
std::vector<std::string> url_secrets(std::string_view url);
// Secrets that belong to one owner (a stream): replaced as a set when the owner's config changes
// and forgotten with it, so the registry holds what running streams use, not every key ever PUT.
void set_owned_secrets(const std::string& owner, std::vector<std::string> secrets);
void forget_owned_secrets(const std::string& owner);
size_t registered_secrets();  // process-wide + owned, each counted once per owner (metrics, tests)
std::string redact_text(std::string_view text);

}  // namespace loopcast
