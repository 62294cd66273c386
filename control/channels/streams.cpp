#include "control/channels/streams.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "base/log.hpp"
#include "base/redact.hpp"
#include "base/atomic_file.hpp"
#include "control/config/config.hpp"
#include "base/json_text.hpp"

namespace loopcast {
namespace {
// Persisting needs the file and its directory (the temp file of the atomic write) writable.
std::string not_writable_reason(const std::string& path) {
  if (path.empty()) return "started without --config: the change lasts until exit";
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (::access(path.c_str(), W_OK) != 0 || ::access(dir.empty() ? "." : dir.c_str(), W_OK) != 0)
    return fmt::format("config '{}' is not writable: the change lasts until exit", path);
  return "";
}

// The entry text with "id" set to `id` (first), refusing a different one in the body.
Result<std::string> entry_with_id(const std::string& id, const std::string& body) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, body, "stream"); !st) return st.forward();
  if (!doc.IsObject()) return Error{"stream: the body must be a JSON object", Errc::invalid};
  if (auto it = doc.FindMember("id"); it != doc.MemberEnd()) {
    if (!it->value.IsString() || id != it->value.GetString())
      return Error{fmt::format("stream: the body's id differs from the URL's '{}'", id), Errc::invalid};
    doc.RemoveMember("id");
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc.Accept(w);
  const std::string rest = sb.GetString();  // "{...}"
  return fmt::format("{{\"id\":{}{}{}", json_quote(id), rest.size() > 2 ? "," : "", rest.substr(1));
}
}  // namespace

Streams::Streams(Options opts) : opts_(std::move(opts)) {
  persist_note_ = not_writable_reason(opts_.config_path);
  persistent_ = persist_note_.empty();
  first_ = std::make_shared<StreamHandle>([this]() -> std::pair<std::string, std::shared_ptr<Controller>> {
    MutexLock lk(mu_);
    if (streams_.empty()) return {"", nullptr};
    return {streams_.front().spec.id, streams_.front().stream};
  });
}

Streams::~Streams() { stop_all(); }

std::string Streams::secrets_owner(const std::string& id) { return "stream:" + id; }

void Streams::own_secrets(const StreamSpec& s) {
  AppConfig with_backup = s.cfg;  // the backup ingest's key is as secret as the primary's
  with_backup.engine.outputs.insert(with_backup.engine.outputs.end(), s.backup_outputs.begin(), s.backup_outputs.end());
  auto secrets = stream_secrets(with_backup);
  secrets.push_back(s.api_token);
  set_owned_secrets(secrets_owner(s.id), std::move(secrets));
}

Result<StreamSpec> Streams::parse(const std::string& entry_json, Source source) const {
  auto spec = parse_stream_entry(opts_.base, entry_json);
  if (!spec) return spec;
  fill_stream_key(*spec);
  if (source == Source::api) {
    AppConfig every_output = spec->cfg;
    every_output.engine.outputs.insert(every_output.engine.outputs.end(), spec->backup_outputs.begin(), spec->backup_outputs.end());
    if (Status st = check_key_template_hosts(every_output); !st) return Error{fmt::format("stream '{}': {}", spec->id, st.error()), st.code()};
  }
  if (opts_.finish) opts_.finish(spec->cfg);
  if (Status st = resolve_backup_outputs(*spec); !st) return st.forward();
  if (Status st = validate_stream(*spec); !st) return st.forward();
  return spec;
}

Result<std::vector<StreamSpec>> Streams::parse_all() const {
  std::vector<StreamSpec> specs;
  for (const auto& e : opts_.document.entries) {
    auto s = parse(e);
    if (!s) return s.forward();
    specs.push_back(std::move(*s));
  }
  if (Status st = validate_streams(specs); !st) return st.forward();
  return specs;
}

Status Streams::load() {
  MutexLock change(change_mu_);
  auto specs = parse_all();
  if (!specs) return specs.forward();
  {
    MutexLock lk(mu_);
    for (const auto& s : *specs)
      if (!s.cfg.control.station.empty()) stations_.emplace_back(s.cfg.control.station, s.id);
  }
  for (auto& s : *specs) {
    if (opts_.runs && !opts_.runs(s)) continue;  // another replica's
    own_secrets(s);
    auto rt = opts_.launch(s);
    if (!rt) {
      std::vector<Entry> launched;
      {
        MutexLock lk(mu_);
        launched.swap(streams_);
      }
      for (auto& e : launched) {
        shut(e.stream);
        forget_owned_secrets(secrets_owner(e.spec.id));
      }
      forget_owned_secrets(secrets_owner(s.id));
      return Error{fmt::format("stream '{}': {}", s.id, rt.error()), rt.code()};
    }
    MutexLock lk(mu_);
    streams_.push_back(Entry{std::move(s), std::move(*rt)});
  }
  return Status::ok();
}

void Streams::shut(std::shared_ptr<Stream>& stream) {
  if (stream) stream->close();  // the feed first, the pipeline, the files last (Stream::close)
  stream.reset();
}

Result<Streams::Change> Streams::put(const std::string& id, const std::string& body) {
  if (!valid_stream_id(id)) return Error{fmt::format("stream id '{}': expected 1..64 of a-z, 0-9, '-'", id), Errc::invalid};
  auto text = entry_with_id(id, body);
  if (!text) return text.forward();
  MutexLock change(change_mu_);
  auto spec = parse(*text, Source::api);
  if (!spec) return spec.forward();
  if (opts_.runs && !opts_.runs(*spec))
    return Error{fmt::format("stream '{}' belongs to another replica (do the replicas disagree on the shard count?)", id), Errc::conflict};
  std::shared_ptr<Stream> old;
  StreamSpec old_spec;
  bool exists = false;
  {
    MutexLock lk(mu_);
    std::vector<StreamSpec> all;
    for (const auto& e : streams_)
      if (e.spec.id != id) all.push_back(e.spec);
    all.push_back(*spec);
    if (Status st = validate_streams(all); !st) return st.forward();
    for (auto& e : streams_)
      if (e.spec.id == id) {
        exists = true;
        old = std::move(e.stream);  // from here until the new one runs, the stream answers "no such stream"
        old_spec = e.spec;
      }
  }
  if (exists) {
    log::info("streams", "stream '{}': replacing (stopping the running one first)", id);
    shut(old);
  }
  own_secrets(*spec);  // valid from here: its logs are redacted from its first line
  auto rt = opts_.launch(*spec);
  if (!rt) {
    Error err{fmt::format("stream '{}': {}", id, rt.error()), rt.code()};
    if (!exists) forget_owned_secrets(secrets_owner(id));
    if (exists) {
      own_secrets(old_spec);
      auto back = opts_.launch(old_spec);
      MutexLock lk(mu_);
      for (auto& e : streams_)
        if (e.spec.id == id && back) e.stream = std::move(*back);
    }
    return err;
  }
  {
    MutexLock lk(mu_);
    bool placed = false;
    for (auto& e : streams_)
      if (e.spec.id == id) {
        e = Entry{std::move(*spec), std::move(*rt)};
        placed = true;
      }
    if (!placed) streams_.push_back(Entry{std::move(*spec), std::move(*rt)});
  }
  log::info("streams", "stream '{}': {}", id, exists ? "replaced" : "created");
  Change c{!exists, false, persist_note_};
  if (persistent_) {
    Status st = persist();
    c.persisted = static_cast<bool>(st);
    c.note = st ? "" : st.error();
  }
  return c;
}

Result<Streams::Change> Streams::remove(const std::string& id) {
  MutexLock change(change_mu_);
  std::shared_ptr<Stream> gone;
  {
    MutexLock lk(mu_);
    auto it = std::find_if(streams_.begin(), streams_.end(), [&](const Entry& e) { return e.spec.id == id; });
    if (it == streams_.end()) return Error{fmt::format("no stream '{}'", id), Errc::not_found};
    if (streams_.size() == 1) return Error{fmt::format("stream '{}' is the last one: stop it instead", id), Errc::conflict};
    gone = std::move(it->stream);
    streams_.erase(it);
  }
  shut(gone);
  forget_owned_secrets(secrets_owner(id));
  log::info("streams", "stream '{}': deleted", id);
  Change c{false, false, persist_note_};
  if (persistent_) {
    Status st = persist();
    c.persisted = static_cast<bool>(st);
    c.note = st ? "" : st.error();
  }
  return c;
}

Status Streams::persist() {
  std::vector<std::string> entries;
  {
    MutexLock lk(mu_);
    for (const auto& e : streams_) entries.push_back(e.spec.entry_json);
  }
  Status st = write_file_atomic(opts_.config_path, render_streams_document(opts_.document.top_json, entries));
  if (!st) log::warn("streams", "config '{}' not updated: {}", opts_.config_path, st.error());
  return st;
}

void Streams::stop_all() {
  MutexLock change(change_mu_);
  std::vector<Entry> all;
  {
    MutexLock lk(mu_);
    all.swap(streams_);
  }
  for (auto& e : all) shut(e.stream);
}

std::vector<std::string> Streams::ids() const {
  MutexLock lk(mu_);
  std::vector<std::string> out;
  for (const auto& e : streams_) out.push_back(e.spec.id);
  return out;
}

std::vector<StreamSpec> Streams::specs() const {
  MutexLock lk(mu_);
  std::vector<StreamSpec> out;
  for (const auto& e : streams_) out.push_back(e.spec);
  return out;
}

std::shared_ptr<Controller> Streams::find(const std::string& id) const {
  MutexLock lk(mu_);
  for (const auto& e : streams_)
    if (e.spec.id == id) return e.stream;
  return nullptr;
}

std::shared_ptr<Controller> Streams::for_station(const std::string& shortcode) const {
  MutexLock lk(mu_);
  for (const auto& e : streams_)
    if (!shortcode.empty() && e.spec.cfg.control.station == shortcode) return e.stream;
  return nullptr;
}

std::string Streams::configured_station(const std::string& shortcode) const {
  MutexLock lk(mu_);
  for (const auto& [station, id] : stations_)
    if (!shortcode.empty() && station == shortcode) return id;
  return "";
}

std::string Streams::token(const std::string& id) const {
  MutexLock lk(mu_);
  for (const auto& e : streams_)
    if (e.spec.id == id) return e.spec.api_token;
  return "";
}

Result<std::string> Streams::entry(const std::string& id) const {
  MutexLock lk(mu_);
  for (const auto& e : streams_)
    if (e.spec.id == id) return e.spec.entry_json;
  return Error{fmt::format("no stream '{}'", id), Errc::not_found};
}

bool Streams::all_finished() const {
  MutexLock lk(mu_);
  if (streams_.empty()) return false;
  for (const auto& e : streams_)
    if (!e.stream || !e.stream->finished()) return false;
  return true;
}

}  // namespace loopcast
