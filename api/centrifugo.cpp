#include "api/centrifugo.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "base/json_text.hpp"

namespace loopcast {
namespace {
using Value = rapidjson::Value;
constexpr size_t kMaxEvent = 1u << 20;

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }

const Value* member(const Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// A publication's {"data":{"np":{...}}} → NowPlaying; no np → nullopt.
Result<std::optional<NowPlaying>> publication_np(const Value& pub, const char* where) {
  const Value* data = member(pub, "data");
  const Value* np = data ? member(*data, "np") : nullptr;
  if (!np) return std::optional<NowPlaying>{};
  auto parsed = parse_nowplaying(*np);
  if (!parsed) return invalid(fmt::format("{}: {}", where, parsed.error()));
  return std::optional<NowPlaying>{std::move(*parsed)};
}

Result<FeedMessage> connect_message(const Value& connect, std::string_view channel) {
  FeedMessage m;
  m.kind = FeedMessage::Kind::connect;
  if (const Value* ping = member(connect, "ping"); ping && ping->IsNumber()) m.ping_interval = ping->GetDouble();
  const Value* subs = member(connect, "subs");
  const Value* sub = subs && subs->IsObject() ? member(*subs, std::string(channel).c_str()) : nullptr;
  const Value* pubs = sub ? member(*sub, "publications") : nullptr;
  if (!pubs || !pubs->IsArray() || pubs->Empty()) return m;  // subscribed, nothing published yet
  auto np = publication_np((*pubs)[pubs->Size() - 1], "connect publication");
  if (!np) return np.forward();
  m.np = std::move(*np);
  return m;
}

// Centrifugo ends a stream with {"disconnect":{"code":N,"reason":"..."}} or answers {"error":...}.
std::optional<std::string> refusal(const Value& doc) {
  for (const char* key : {"disconnect", "error"}) {
    const Value* v = member(doc, key);
    if (!v) continue;
    const Value* reason = v->IsObject() ? member(*v, v->HasMember("reason") ? "reason" : "message") : nullptr;
    const Value* code = member(*v, "code");
    return fmt::format("server sent {} {}{}", key, code && code->IsInt() ? std::to_string(code->GetInt()) : "",
                       reason && reason->IsString() ? std::string(": ") + reason->GetString() : "");
  }
  return std::nullopt;
}
}  // namespace

Status SseSplitter::feed(std::string_view bytes, std::vector<std::string>& events) {
  if (after_cr_ && !bytes.empty() && bytes.front() == '\n') bytes.remove_prefix(1);
  after_cr_ = false;
  pending_.append(bytes);
  size_t start = 0;
  for (size_t end; (end = pending_.find_first_of("\r\n", start)) != std::string::npos;) {
    line(std::string_view(pending_).substr(start, end - start), events);
    start = end + 1;
    if (pending_[end] == '\r') {
      if (start < pending_.size() && pending_[start] == '\n') ++start;
      else if (start == pending_.size()) after_cr_ = true;
    }
  }
  pending_.erase(0, start);
  if (pending_.size() + data_.size() > kMaxEvent) {
    pending_.clear();
    data_.clear();
    has_data_ = false;
    return invalid("more than 1 MiB without an event: not a server-sent event stream");
  }
  return Status::ok();
}

void SseSplitter::line(std::string_view text, std::vector<std::string>& events) {
  if (text.empty()) {  // blank line: dispatch
    if (has_data_) events.push_back(std::move(data_));
    data_.clear();
    has_data_ = false;
    return;
  }
  if (text.rfind("data", 0) != 0 || (text.size() > 4 && text[4] != ':')) return;  // comment or other field
  text.remove_prefix(std::min<size_t>(text.size(), 5));
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (has_data_) data_ += '\n';
  data_.append(text);
  has_data_ = true;
}

Result<FeedMessage> parse_feed_message(std::string_view data, std::string_view channel) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, data, "live feed"); !st) return st.forward();
  if (!doc.IsObject()) return invalid("live feed: a message must be a JSON object");
  if (doc.ObjectEmpty()) return FeedMessage{FeedMessage::Kind::ping};
  if (auto why = refusal(doc)) return Error{fmt::format("live feed: {}", *why), Errc::unavailable};
  if (const Value* connect = member(doc, "connect"); connect && connect->IsObject()) return connect_message(*connect, channel);
  const Value* ch = member(doc, "channel");
  const Value* pub = member(doc, "pub");
  if (!ch || !ch->IsString() || !pub || std::string_view(ch->GetString(), ch->GetStringLength()) != channel) return FeedMessage{};
  FeedMessage m;
  m.kind = FeedMessage::Kind::publication;
  auto np = publication_np(*pub, "live feed publication");
  if (!np) return np.forward();
  m.np = std::move(*np);
  return m;
}

}  // namespace loopcast
