// The registry of streams (channels): one Controller per stream id, created from its own
// AppConfig, listed, replaced and deleted at run time. Put and delete are validated like the
// config file and, when loopcast was started with a writable --config, written back to it
// atomically; otherwise they last until exit and say so.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "control/stream/controller.hpp"
#include "control/config/stream_config.hpp"
#include "control/channels/stream_handle.hpp"
#include "control/stream/stream.hpp"

namespace loopcast {

class Streams {
 public:
  // Makes one stream (its lifecycle and the parts beside it) and starts it when its config says
  // so (autostart, schedule).
  using Launch = std::function<Result<std::shared_ptr<Stream>>(const StreamSpec&)>;
  // Completes a parsed entry before validation (stream key, embedded defaults); may be empty.
  using Finish = std::function<void(AppConfig&)>;

  struct Options {
    AppConfig base;            // what every entry starts from: the config's top + flags + env
    StreamsDocument document;  // entries to load; top_json is written back when persisting
    std::string config_path;   // persisted here when writable; "" = not persisted
    Finish finish;
    Launch launch;
    // Which ids this process runs (a replica's shard); null = every one. Every entry is still
    // parsed and validated, so all replicas agree on whether a config is good.
    std::function<bool(const StreamSpec&)> runs;
  };
  struct Change {
    bool created = false;    // false: an existing stream was replaced or deleted
    bool persisted = false;
    std::string note;        // why not persisted
  };

  explicit Streams(Options opts);
  ~Streams();
  Streams(const Streams&) = delete;
  Streams& operator=(const Streams&) = delete;

  // Parses, validates and launches every entry of the document; all or nothing.
  Status load() EXCLUDES(change_mu_, mu_);
  // Validates every entry without launching anything (for a dry check and the unit tests).
  Result<std::vector<StreamSpec>> parse_all() const;

  // Creates or replaces stream `id` from a JSON entry (its "id", if any, must be `id`). A
  // replaced stream stops before the new one starts (they may share an ingest); when the new one
  // cannot be launched the old one is launched again and the error returned.
  Result<Change> put(const std::string& id, const std::string& entry_json) EXCLUDES(change_mu_, mu_);
  // An id another replica runs is refused (conflict): the API forwards such requests to the owner.
  // Stops and removes a stream; the last one cannot be removed (stop it instead).
  Result<Change> remove(const std::string& id) EXCLUDES(change_mu_, mu_);
  void stop_all() EXCLUDES(change_mu_, mu_);

  std::vector<std::string> ids() const EXCLUDES(mu_);
  std::vector<StreamSpec> specs() const EXCLUDES(mu_);  // each stream's id and settings, in order
  std::shared_ptr<Controller> find(const std::string& id) const EXCLUDES(mu_);  // null: none
  // The stream whose "station" is this AzuraCast shortcode; null when none declares it.
  std::shared_ptr<Controller> for_station(const std::string& shortcode) const EXCLUDES(mu_);
  // The id of the config entry (run here or by another replica) that declares this station; "".
  std::string configured_station(const std::string& shortcode) const EXCLUDES(mu_);
  Result<std::string> entry(const std::string& id) const EXCLUDES(mu_);  // as written
  std::string token(const std::string& id) const EXCLUDES(mu_);  // the stream's own api_token; "" = none
  Controller& first() { return *first_; }  // follows whichever stream is first now
  bool all_finished() const EXCLUDES(mu_);  // every stream had a --duration and it has ended
  bool persistent() const { return persistent_; }
  const std::string& persist_note() const { return persist_note_; }

 private:
  struct Entry {
    StreamSpec spec;
    std::shared_ptr<Stream> stream;  // null while being replaced: the id answers "no such stream"
  };
  enum class Source { config, api };
  // An entry through the API may not send the stream key to a host of its choosing (checked
  // before finish() fills in {key}).
  Result<StreamSpec> parse(const std::string& entry_json, Source source = Source::config) const;
  Status persist() REQUIRES(change_mu_) EXCLUDES(mu_);
  static void shut(std::shared_ptr<Stream>& stream);
  // A stream's secrets are registered under this owner while it exists (base/redact.hpp).
  static std::string secrets_owner(const std::string& id);
  static void own_secrets(const StreamSpec& s);

  const Options opts_;
  bool persistent_ = false;
  std::string persist_note_;
  std::shared_ptr<StreamHandle> first_;
  Mutex change_mu_ ACQUIRED_BEFORE(mu_);  // one put/delete at a time (they block on stops)
  mutable Mutex mu_;                       // the list; never held across a start or stop
  std::vector<Entry> streams_ GUARDED_BY(mu_);  // config order: the first is "the" stream
  std::vector<std::pair<std::string, std::string>> stations_ GUARDED_BY(mu_);  // (station, id) of every entry
};

}  // namespace loopcast
