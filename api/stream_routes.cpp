#include "api/stream_routes.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/backup_relay.hpp"
#include "api/entry_secrets.hpp"
#include "api/cluster_router.hpp"
#include "api/event_stream.hpp"
#include "api/http_reply.hpp"
#include "api/stream_snapshots.hpp"
#include "api/track_request.hpp"
#include "base/redact.hpp"
#include "base/json_text.hpp"
#include "control/status/status_json.hpp"

namespace loopcast {
namespace {
constexpr const char* kId = "/api/v1/streams/([a-z0-9-]{1,64})";

// One line of the list: enough to see at a glance which stream is on air and healthy. `replica`:
// the replica that runs it (-1: not sharded, not shown).
void write_summary(rapidjson::Writer<rapidjson::StringBuffer>& w, const StatusSnapshot& s, int replica = -1) {
  size_t live = 0;
  for (const auto& o : s.outputs) live += o.state == OutputState::live ? 1 : 0;
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("id", s.stream);
  str("state", to_string(s.state));
  w.Key("running"), w.Bool(s.state == StreamState::running);
  w.Key("uptime"), w.Double(s.uptime);
  str("loop", s.loop);
  str("track", s.track.text);
  w.Key("video_frames"), w.Uint64(s.video_frames);
  w.Key("dropped_frames"), w.Uint64(s.dropped_frames);
  w.Key("speed"), w.Double(s.speed);
  str("audio_state", s.audio_state ? to_string(*s.audio_state) : "");
  w.Key("outputs"), w.Uint64(s.outputs.size());
  w.Key("outputs_live"), w.Uint64(live);
  w.Key("restarts"), w.Uint64(s.restarts);
  str("last_error", s.last_error);
  if (replica >= 0) w.Key("replica"), w.Int(replica);
  w.EndObject();
}

// The server as the stream routes see it: every handler first lets the cluster router forward a
// request for a stream another replica runs (api/cluster_router.hpp); the router passes anything
// else (the listing, this replica's streams) to the handler.
struct RoutedServer {
  httplib::Server& svr;
  const ClusterRouter* router;

  httplib::Server::Handler wrap(httplib::Server::Handler handler) const {
    if (!router) return handler;
    return [router = router, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      if (!router->route(req, res)) handler(req, res);
    };
  }
  void Get(const std::string& pattern, httplib::Server::Handler h) { svr.Get(pattern, wrap(std::move(h))); }
  void Put(const std::string& pattern, httplib::Server::Handler h) { svr.Put(pattern, wrap(std::move(h))); }
  void Post(const std::string& pattern, httplib::Server::Handler h) { svr.Post(pattern, wrap(std::move(h))); }
  void Delete(const std::string& pattern, httplib::Server::Handler h) { svr.Delete(pattern, wrap(std::move(h))); }
};

std::string change_json(const std::string& id, const Streams::Change& c, const std::string& state) {
  return fmt::format("{{\"ok\":true,\"id\":{},\"created\":{},\"persisted\":{},\"note\":{},\"state\":{}}}", json_quote(id), c.created, c.persisted,
                     json_quote(c.note), json_quote(state));
}

// The stream of the path's first match, or a 404 already written.
std::shared_ptr<Controller> stream_of(const Streams& streams, const httplib::Request& req, httplib::Response& res) {
  auto ctl = streams.find(req.matches[1]);
  if (!ctl) reply_error(res, 404, fmt::format("no stream '{}'", std::string(req.matches[1])));
  return ctl;
}

// Which replica this is: {"index", "count", "hash", "owned": [ids run here], "backups": [the
// backup publications run here for streams other replicas own]}.
void write_shard(rapidjson::Writer<rapidjson::StringBuffer>& w, const StreamsView& view, const std::vector<std::string>& owned) {
  w.Key("shard");
  w.StartObject();
  w.Key("index"), w.Int(view.cluster.shard.index);
  w.Key("count"), w.Int(view.cluster.shard.count);
  w.Key("hash"), w.String("rendezvous: fnv1a64 + splitmix64");
  w.Key("owned");
  w.StartArray();
  for (const auto& id : owned) w.String(id.c_str());
  w.EndArray();
  w.Key("backups");
  w.StartArray();
  if (view.backups)
    for (const auto& id : view.backups->ids())
      if (auto ctl = view.backups->find(id)) write_summary(w, ctl->status(), view.cluster.shard.index);
  w.EndArray();
  w.EndObject();
}

// The other replicas' streams (each summary carries its "replica"), and which replicas answered.
void write_peers(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<ClusterRouter::PeerListing>& peers) {
  for (const auto& p : peers) {
    if (!p.ok) continue;
    rapidjson::Document doc;
    if (doc.Parse(p.body.c_str()).HasParseError() || !doc.IsObject() || !doc.HasMember("streams") || !doc["streams"].IsArray()) continue;
    for (auto& s : doc["streams"].GetArray()) s.Accept(w);
  }
}

void write_replicas(rapidjson::Writer<rapidjson::StringBuffer>& w, int self, const std::vector<ClusterRouter::PeerListing>& peers) {
  w.Key("replicas");
  w.StartArray();
  w.StartObject();
  w.Key("index"), w.Int(self);
  w.Key("ok"), w.Bool(true);
  w.EndObject();
  for (const auto& p : peers) {
    w.StartObject();
    w.Key("index"), w.Int(p.index);
    w.Key("url"), w.String(p.url.c_str());
    w.Key("ok"), w.Bool(p.ok);
    if (!p.ok) w.Key("error"), w.String(p.error.c_str());
    w.EndObject();
  }
  w.EndArray();
}

void list_routes(RoutedServer& svr, Streams& streams, const StreamsView& view) {
  // The whole cluster's streams when this replica forwards, unless a peer asks (it wants ours only).
  svr.Get("/api/v1/streams", [&streams, view](const httplib::Request& req, httplib::Response& res) {
    const bool cluster_wide = view.router && view.router->forwards() && !req.has_header(kForwardedHeader);
    const auto peers = cluster_wide ? view.router->peer_listings() : std::vector<ClusterRouter::PeerListing>{};
    const int self = view.cluster.shard.sharded() ? view.cluster.shard.index : -1;
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    const auto ids = streams.ids();
    w.StartObject();
    w.Key("streams");
    w.StartArray();
    for (const auto& id : ids)
      if (auto ctl = streams.find(id)) write_summary(w, ctl->status(), self);
    write_peers(w, peers);
    w.EndArray();
    w.Key("persistent");
    w.Bool(streams.persistent());
    write_shard(w, view, ids);
    if (cluster_wide) write_replicas(w, view.cluster.shard.index, peers);
    w.EndObject();
    res.set_content(sb.GetString(), "application/json");
  });
  svr.Get(kId, [&streams](const httplib::Request& req, httplib::Response& res) {
    auto entry = streams.entry(req.matches[1]);
    if (!entry) return reply_error(res, 404, entry.error());
    auto ctl = streams.find(req.matches[1]);
    const std::string status = ctl ? status_to_json(ctl->status()) : "null";
    res.set_content(fmt::format("{{\"id\":{},\"config\":{},\"status\":{}}}", json_quote(req.matches[1].str()), redacted_entry(*entry), status),
                    "application/json");
  });
}

// A sharded replica's streams are declared in the config every replica reads (a ConfigMap): a
// stream created, replaced or deleted through one replica would last until it restarts, its
// backup publication would not follow, and the other replicas' view of the config would be wrong.
void refuse_declared(httplib::Response& res, const std::string& id, const std::string& method) {
  reply_error(res, 409,
              fmt::format("{} /api/v1/streams/{}: streams in a cluster are declared in the streams config every replica reads "
                          "(the ConfigMap loopcast-streams, key loopcast.json): change it there and apply it "
                          "(kubectl apply -k, then kubectl rollout restart statefulset/loopcast)",
                          method, id));
}

void change_routes(RoutedServer& svr, Streams& streams, const Authorize& authorized, bool declared) {
  svr.Put(kId, [&streams, authorized, declared](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (!authorized(req, res, id)) return;
    if (declared) return refuse_declared(res, id, "PUT");
    // An output or token sent back as GET showed it ("****") keeps the secret it hides.
    auto old = streams.entry(id);
    auto body = restore_hidden(id, req.body, old ? *old : "");
    if (!body) return reply_error(res, http_code(body.code()), body.error());
    auto c = streams.put(id, *body);
    if (!c) return reply_error(res, http_code(c.code()), c.error());
    auto ctl = streams.find(id);
    res.status = c->created ? 201 : 200;
    res.set_content(change_json(id, *c, to_string(ctl ? ctl->status().state : StreamState::stopped)), "application/json");
  });
  svr.Delete(kId, [&streams, authorized, declared](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (!authorized(req, res, id)) return;
    if (declared) return refuse_declared(res, id, "DELETE");
    auto c = streams.remove(id);
    if (!c) return reply_error(res, http_code(c.code()), c.error());
    res.set_content(change_json(id, *c, "deleted"), "application/json");
  });
}

void per_stream_routes(RoutedServer& svr, Streams& streams, const Authorize& authorized, EventStream& events, const StreamsView& view) {
  const std::string base = kId;
  svr.Get(base + "/status", [&streams](const httplib::Request& req, httplib::Response& res) {
    if (auto ctl = stream_of(streams, req, res)) res.set_content(status_to_json(ctl->status()), "application/json");
  });
  // The channel's own SSE: its status (with its id) and its events. Held weakly: a channel deleted
  // while a dashboard listens ends that listener's stream instead of living on in it.
  svr.Get(base + "/events", [&streams, &events](const httplib::Request& req, httplib::Response& res) {
    auto ctl = stream_of(streams, req, res);
    if (!ctl) return;
    std::weak_ptr<Controller> weak = ctl;
    events.handle(
        req, res,
        [weak] {
          auto c = weak.lock();
          return c ? status_to_json(c->status()) : std::string();
        },
        [weak](uint64_t after) {
          auto c = weak.lock();
          return c ? c->recent_events(after) : std::vector<EngineEvent>{};
        });
  });
  auto lifecycle = [&streams, authorized](Status (Controller::*op)()) {
    return [&streams, authorized, op](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res, req.matches[1])) return;
      auto ctl = stream_of(streams, req, res);
      if (!ctl) return;
      if (Status st = ((*ctl).*op)(); !st) return reply_error(res, http_code(st.code()), st.error());
      res.set_content(fmt::format("{{\"ok\":true,\"id\":{},\"state\":{}}}", json_quote(req.matches[1].str()), json_quote(to_string(ctl->status().state))),
                      "application/json");
    };
  };
  auto pictures = std::make_shared<StreamSnapshots>(streams);
  svr.Get(base + "/snapshot.jpg", [pictures](const httplib::Request& req, httplib::Response& res) {
    auto jpeg = pictures->jpeg(req.matches[1]);
    if (!jpeg) return reply_error(res, http_code(jpeg.code()), jpeg.error());
    res.set_header("Cache-Control", "no-store");
    res.set_content(**jpeg, "image/jpeg");
  });
  svr.Post(base + "/start", lifecycle(&Controller::start));
  svr.Post(base + "/stop", lifecycle(&Controller::stop));
  svr.Post(base + "/restart", lifecycle(&Controller::restart));
  svr.Post(base + "/mapping/reload", lifecycle(&Controller::reload_mapping));
  svr.Post(base + "/track", [&streams, authorized, view](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res, req.matches[1])) return;
    const bool relayed = req.has_header(kBackupHeader) && view.backups;  // from the owner, for the backup publication here
    auto ctl = stream_of(relayed ? *view.backups : streams, req, res);
    if (!ctl) return;
    if (Status st = track_request(*ctl, req.body); !st) return reply_error(res, http_code(st.code()), st.error());
    if (view.relay) view.relay->pass_on(req, req.matches[1], req.path);
    const auto snap = ctl->status();
    res.status = 202;
    res.set_content(fmt::format("{{\"ok\":true,\"id\":{},\"loop\":{},\"pending_loop\":{}}}", json_quote(snap.stream), json_quote(snap.loop),
                                json_quote(snap.pending_loop)),
                    "application/json");
  });
}
}  // namespace

void add_stream_routes(httplib::Server& server, Streams& streams, Authorize authorized, EventStream& events, StreamsView view) {
  RoutedServer svr{server, view.router};
  list_routes(svr, streams, view);
  change_routes(svr, streams, authorized, view.cluster.shard.sharded());
  per_stream_routes(svr, streams, authorized, events, view);
}

}  // namespace loopcast
