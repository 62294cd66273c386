#include "control/status/event_log.hpp"

#include "base/enum_words.hpp"
#include "base/redact.hpp"
#include "base/json_text.hpp"
#include "base/time_text.hpp"

namespace loopcast {
namespace {
constexpr EnumWord<EventKind> kEventWords[] = {{EventKind::start, "start"},         {EventKind::stop, "stop"},
                                               {EventKind::switched, "switch"},     {EventKind::reconnect, "reconnect"},
                                               {EventKind::error, "error"}};
}  // namespace

const char* to_string(EventKind k) { return enum_to_word(kEventWords, k); }

void EventLog::add(EventKind kind, std::string text) {
  EngineEvent e{0, iso_now(), kind, redact_text(text)};
  MutexLock lk(mu_);
  e.seq = ++last_seq_;
  ring_.push_back(std::move(e));
  while (ring_.size() > capacity_) ring_.pop_front();
}

std::vector<EngineEvent> EventLog::recent(uint64_t after_seq) const {
  MutexLock lk(mu_);
  std::vector<EngineEvent> out;
  for (const auto& e : ring_)
    if (e.seq > after_seq) out.push_back(e);
  return out;
}

uint64_t EventLog::last_seq() const {
  MutexLock lk(mu_);
  return last_seq_;
}

std::string events_to_json(const std::vector<EngineEvent>& events) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartArray();
  for (const auto& e : events) {
    w.StartObject();
    w.Key("seq");
    w.Uint64(e.seq);
    w.Key("at");
    w.String(e.at.c_str());
    w.Key("kind");
    w.String(to_string(e.kind));
    w.Key("text");
    w.String(e.text.c_str(), static_cast<rapidjson::SizeType>(e.text.size()));
    w.EndObject();
  }
  w.EndArray();
  return sb.GetString();
}

}  // namespace loopcast
