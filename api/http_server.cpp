#include "api/http_server.hpp"

#include <fmt/format.h>
extern "C" {
#include <libavutil/base64.h>
}
#include <rapidjson/document.h>

#include <chrono>

#include "api/azuracast.hpp"
#include "api/backup_relay.hpp"
#include "api/cluster_router.hpp"
#include "api/dashboard_page.hpp"
#include "api/event_stream.hpp"
#include "api/hls_files.hpp"
#include "api/http/front_door.hpp"
#include "api/http/route_runner.hpp"
#include "api/http/tls_context.hpp"
#include "api/http_reply.hpp"
#include "api/loop_prepare.hpp"
#include "api/loop_routes.hpp"
#include "api/mapping_routes.hpp"
#include "api/metrics.hpp"
#include "api/stream_routes.hpp"
#include "api/track_request.hpp"
#include "api/snapshot.hpp"
#include "base/log.hpp"
#include "base/json_text.hpp"
#include "control/mapping/loop_catalog.hpp"
#include "control/status/status_json.hpp"
#include "control/channels/streams.hpp"

#ifndef CPPHTTPLIB_THREAD_POOL_MAX_COUNT  // new in the vendored 0.5x; absent from Debian's 0.11
#error "the vendored cpp-httplib (third_party/) must come first on the include path"
#endif

namespace loopcast {
namespace {
constexpr size_t kMaxBody = 1 << 20;
constexpr int kThumbWidth = 320, kThumbHeight = 180;  // loop picker thumbnails (16:9, like the stream)

// Constant-time comparison: the time to reject a token says nothing about how much matched.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

bool bearer_ok(const httplib::Request& req, const std::string& token) {
  if (token.empty()) return true;
  return same_secret(req.get_header_value("Authorization"), "Bearer " + token);
}

// "Basic base64(user:password)" with `token` as the password, whatever the user: what AzuraCast's
// web hook form can send when only an API token is configured.
bool basic_password_ok(const httplib::Request& req, const std::string& token) {
  const std::string h = req.get_header_value("Authorization");
  if (h.rfind("Basic ", 0) != 0 || h.size() > 4096) return false;
  std::string plain(h.size(), '\0');
  const int n = av_base64_decode(reinterpret_cast<uint8_t*>(plain.data()), h.c_str() + 6, static_cast<int>(plain.size()));
  if (n <= 0) return false;
  plain.resize(static_cast<size_t>(n));
  const auto colon = plain.find(':');
  return colon != std::string::npos && same_secret(plain.substr(colon + 1), token);
}

}  // namespace

HttpServer::HttpServer(Controller& ctl, ControlConfig cfg, FrontLimits limits)
    : ctl_(ctl),
      cfg_(std::move(cfg)),
      limits_(limits),
      svr_(std::make_unique<RouteRunner>(static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(limits.idle_timeout).count()))),
      events_(std::make_unique<EventStream>([this] { return status_to_json(ctl_.status()); },
                                            [this](uint64_t after) { return ctl_.recent_events(after); }, limits.max_event_listeners,
                                            limits.event_listeners_per_address)),
      snapshot_(std::make_unique<SnapshotCache>([this] { return ctl_.preview(); })),
      loops_(std::make_unique<LoopCatalog>(cfg_.loops_dir, VideoFormat{kThumbWidth, kThumbHeight, AV_PIX_FMT_YUV420P})) {}

HttpServer::HttpServer(Streams& streams, ControlConfig cfg, FrontLimits limits) : HttpServer(streams.first(), std::move(cfg), limits) {
  streams_ = &streams;
}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  routes();
  svr_->set_payload_max_length(kMaxBody);
  if (!cfg_.https_cert.empty()) {
    auto tls = TlsContext::load(cfg_.https_cert, cfg_.https_key);
    if (!tls) return Error{"HTTPS: " + tls.error(), tls.code()};
    tls_ = *tls;
  }
  // Loop uploads (api/loop_routes.hpp) go to a file in the loops directory as they arrive, never
  // into memory; renamed into place once probed.
  FrontLimits limits = limits_;
  limits.framing.spool_prefix = kLoopUploadPrefix;
  limits.framing.max_spooled_body_bytes = kMaxLoopUpload;
  limits.spool_dir = cfg_.loops_dir;
  limits.admit_spool = [this](std::string_view head) -> std::pair<int, std::string> {
    if (!cfg_.api_token.empty() && !same_secret(header_value(head, "authorization"), "Bearer " + cfg_.api_token))
      return {401, "missing or wrong bearer token"};
    // The request line starts with kLoopUploadPrefix ("PUT /api/v1/loops/"): the name follows, up to a space or a query.
    const std::string_view rest = head.substr(std::string_view(kLoopUploadPrefix).size());
    const std::string name = httplib::decode_path_component(std::string(rest.substr(0, rest.find_first_of(" ?"))));
    if (Status st = check_loop_upload_name(name); !st) return {400, st.error()};
    return {0, ""};
  };
  front_ = std::make_unique<FrontDoor>(
      limits, [this](Inbound& in) { return svr_->serve(in); }, tls_);
  auto port = front_->listen(cfg_.http_bind, cfg_.http_port);
  if (!port)
    return Error{fmt::format("HTTP API: cannot listen on {}:{} (address in use or not available)", cfg_.http_bind, cfg_.http_port), Errc::unavailable};
  port_ = *port;
  events_->start([this](uint64_t conn, std::string bytes, bool last) { front_->push(conn, std::move(bytes), last); });
  front_->start();
  log::info("http", "API on {}://{}:{}/ (status: /api/v1/status); at most {} connections, {} per address", tls_ ? "https" : "http",
            cfg_.http_bind, port_, limits_.max_connections, limits_.per_address);
  warn_if_token_in_clear();
  return Status::ok();
}

bool token_travels_in_clear(const ControlConfig& cfg) {
  const std::string& host = cfg.http_bind;
  const bool loopback = host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost";
  return !cfg.api_token.empty() && cfg.https_cert.empty() && !loopback;
}

void HttpServer::warn_if_token_in_clear() const {
  if (token_travels_in_clear(cfg_))
    log::warn("http", "the API token travels in clear: {} is reachable from other hosts and no --https-cert/--https-key is set",
              cfg_.http_bind.empty() ? "*" : cfg_.http_bind);
}

Status HttpServer::reload_certificate() {
  if (!tls_) return Status::ok();
  if (Status st = tls_->reload(); !st) {
    log::error("http", "certificate reload failed, keeping the current one: {}", st.error());
    return st;
  }
  log::info("http", "certificate reloaded from {}", cfg_.https_cert);
  return Status::ok();
}

void HttpServer::stop() {
  if (front_) front_->stop();  // every connection closed, every worker done
  if (relay_) relay_->stop();  // nothing left to relay: the last call costs at most its timeouts
  events_->stop();
}

bool HttpServer::authorized(const httplib::Request& req, httplib::Response& res) const {
  if (bearer_ok(req, cfg_.api_token)) return true;
  res.set_header("WWW-Authenticate", "Bearer");
  reply_error(res, 401, "missing or wrong bearer token");
  return false;
}

bool HttpServer::stream_authorized(const httplib::Request& req, httplib::Response& res, const std::string& id) const {
  // A relay to a backup publication is checked against that stream's token as its owner did.
  const Streams* registry = req.has_header(kBackupHeader) && backups_ ? backups_ : streams_;
  const std::string token = registry ? registry->token(id) : "";
  if (token.empty()) return authorized(req, res);  // a stream without its own token: the admin's rules
  if (bearer_ok(req, token) || (!cfg_.api_token.empty() && bearer_ok(req, cfg_.api_token))) return true;
  res.set_header("WWW-Authenticate", "Bearer");
  reply_error(res, 401, fmt::format("missing or wrong bearer token for stream '{}'", id));
  return false;
}

bool HttpServer::stream_webhook_authorized(const httplib::Request& req, httplib::Response& res, const std::string& token) const {
  if (bearer_ok(req, token) || basic_password_ok(req, token)) return true;
  const bool admin_set = !cfg_.webhook_user.empty() || !cfg_.api_token.empty();
  if (admin_set) {
    httplib::Response ignored;  // the admin's check writes its own 401; this one is ours
    if (webhook_authorized(req, ignored)) return true;
  }
  res.set_header("WWW-Authenticate", "Basic realm=\"loopcast\"");
  reply_error(res, 401, "webhook credentials required: this stream's token (Bearer, or Basic auth with it as the password)");
  return false;
}

// AzuraCast sends Basic auth when configured; the API token is accepted too. With no webhook user
// but an API token, the token guards the webhook as well (Bearer, or Basic with it as password):
// an open webhook would let anyone put text on the live picture and make loopcast fetch any URL as
// cover art. With neither configured, it is open, like the rest of the API.
bool HttpServer::webhook_authorized(const httplib::Request& req, httplib::Response& res) const {
  if (!cfg_.webhook_user.empty()) {
    const auto expected = httplib::make_basic_authentication_header(cfg_.webhook_user, cfg_.webhook_password).second;
    if (same_secret(req.get_header_value("Authorization"), expected) || (!cfg_.api_token.empty() && bearer_ok(req, cfg_.api_token)))
      return true;
    res.set_header("WWW-Authenticate", "Basic realm=\"loopcast\"");
    reply_error(res, 401, "webhook credentials required");
    return false;
  }
  if (bearer_ok(req, cfg_.api_token) || basic_password_ok(req, cfg_.api_token)) return true;
  res.set_header("WWW-Authenticate", "Basic realm=\"loopcast\"");
  reply_error(res, 401, "webhook credentials required: the API token (Bearer, or Basic auth with it as the password)");
  return false;
}

void HttpServer::routes() {
  // Without a token, a web page the operator happens to visit could drive the stream: a browser
  // sends a cross-site "simple" POST without asking first, but it always says where it comes from
  // (Origin). Changes whose Origin is not this server are refused. curl, AzuraCast and scripts send
  // no Origin; the dashboard's own requests send this server's. (With a token there is nothing to
  // guard: a cross-site page cannot attach the bearer header without a CORS preflight, never granted.)
  if (cfg_.api_token.empty())
    svr_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (req.method == "GET" || req.method == "HEAD" || !req.has_header("Origin")) return httplib::Server::HandlerResponse::Unhandled;
      const std::string origin = req.get_header_value("Origin");
      const auto scheme = origin.find("://");
      if (scheme != std::string::npos && origin.substr(scheme + 3) == req.get_header_value("Host")) return httplib::Server::HandlerResponse::Unhandled;
      reply_error(res, 403, "cross-origin request refused: Origin is not this server (set an API token to use the API from another site)");
      return httplib::Server::HandlerResponse::Handled;
    });
  // A request for another replica's stream goes to that replica (api/cluster_router.hpp): each
  // stream route asks the router first, once httplib has read the body (no hook before a route's
  // handler sees it).
  if (streams_ && cluster_.shard.sharded()) router_ = std::make_unique<ClusterRouter>(cluster_, *streams_);
  if (streams_ && cluster_.forwards())
    relay_ = std::make_unique<BackupRelay>(cluster_, [streams = streams_](const std::string& id) {
      for (const auto& s : streams->specs())
        if (s.id == id) return s.backup;
      return false;
    });
  lifecycle_routes();
  track_route();
  webhook_route();
  observe_routes();
  if (streams_)
    add_stream_routes(
        *svr_, *streams_,
        [this](const httplib::Request& req, httplib::Response& res, const std::string& id) { return stream_authorized(req, res, id); },
        *events_, StreamsView{cluster_, backups_, router_.get(), relay_.get()});
  dashboard_routes();
  add_hls_routes(*svr_, [this](const std::string& id) { return streams_ ? hls_dir_for(*streams_, id) : std::string(); });
  svr_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* msg = res.status == 404 ? "not found" : res.status == 413 ? "request body too large (max 1 MiB)" : res.status == 405 ? "method not allowed" : "request failed";
    reply_error(res, res.status, msg);
  });
}

void HttpServer::lifecycle_routes() {
  auto lifecycle = [this](Status (Controller::*op)()) {
    return [this, op](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      Status st = (ctl_.*op)();
      if (!st) return reply_error(res, http_code(st.code()), st.error());
      res.set_content(fmt::format("{{\"ok\":true,\"state\":{}}}", json_quote(to_string(ctl_.status().state))), "application/json");
    };
  };
  svr_->Post("/api/v1/stream/start", lifecycle(&Controller::start));
  svr_->Post("/api/v1/stream/stop", lifecycle(&Controller::stop));
  svr_->Post("/api/v1/stream/restart", lifecycle(&Controller::restart));
  svr_->Post("/api/v1/mapping/reload", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    Status st = ctl_.reload_mapping();
    if (!st) return reply_error(res, http_code(st.code()), st.error());
    res.set_content("{\"ok\":true}", "application/json");
  });
}

void HttpServer::track_route() {
  svr_->Post("/api/v1/track", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    if (Status st = track_request(ctl_, req.body); !st) return reply_error(res, http_code(st.code()), st.error());
    const auto snap = ctl_.status();
    if (relay_) relay_->pass_on(req, snap.stream, "/api/v1/streams/" + snap.stream + "/track");
    res.status = 202;
    res.set_content(fmt::format("{{\"ok\":true,\"loop\":{},\"pending_loop\":{}}}", json_quote(snap.loop), json_quote(snap.pending_loop)),
                    "application/json");
  });
}

std::string HttpServer::webhook_stream(const httplib::Request& req, const std::string& station) const {
  if (!streams_) return "";
  if (req.matches.size() > 1) return req.matches[1].str();
  if (std::string id = streams_->configured_station(station); !id.empty()) return id;
  const auto ids = streams_->ids();  // no station match: the first stream's
  return ids.empty() ? "" : ids.front();
}

std::shared_ptr<Controller> HttpServer::webhook_target(const Streams* registry, const std::string& id, httplib::Response& res) {
  // ctl_ outlives the server: shared without ownership (aliasing constructor, empty owner).
  if (!registry) return std::shared_ptr<Controller>(std::shared_ptr<Controller>{}, &ctl_);
  auto target = registry->find(id);
  if (!target) reply_error(res, 404, fmt::format("no {}stream '{}'", registry == backups_ ? "backup publication of " : "", id));
  return target;
}

void HttpServer::webhook_route() {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    if (router_ && router_->route(req, res)) return;  // another replica's stream
    // A relay from the owner (api/backup_relay.hpp) acts on this replica's backup publication.
    const Streams* registry = req.has_header(kBackupHeader) && backups_ ? backups_ : streams_;
    // The target's own token, if it has one, decides: found before the credentials are checked,
    // and an unknown id answers 404 only to whom may ask.
    auto np = parse_nowplaying(req.body);
    const std::string id = webhook_stream(req, np ? np->station : "");
    const std::string stream_token = registry && !id.empty() ? registry->token(id) : "";
    if (!(stream_token.empty() ? webhook_authorized(req, res) : stream_webhook_authorized(req, res, stream_token))) return;
    if (!np) return reply_error(res, 400, np.error());
    auto ctl = webhook_target(registry, id, res);
    if (!ctl) return;
    auto taken = ctl->track_changed(np->track);
    if (!taken) return reply_error(res, http_code(taken.code()), taken.error());
    if (relay_) relay_->pass_on(req, id, "/webhook/azuracast/" + id);
    const auto snap = ctl->status();
    res.status = 202;
    res.set_content(fmt::format("{{\"ok\":true,\"stream\":{},\"track\":{},\"loop\":{},\"pending_loop\":{},\"pending_in\":{:.1f}}}",
                                json_quote(snap.stream), json_quote(np->track.text), json_quote(snap.loop), json_quote(snap.pending_loop),
                                snap.pending_in),
                    "application/json");
  };
  svr_->Post("/webhook/azuracast", handler);
  svr_->Post("/webhook/azuracast/([a-z0-9-]{1,64})", handler);
}

std::vector<StatusSnapshot> HttpServer::all_status() const {
  if (!streams_) return {ctl_.status()};
  std::vector<StatusSnapshot> all;
  for (const auto& id : streams_->ids())
    if (auto c = streams_->find(id)) all.push_back(c->status());
  return all;
}

void HttpServer::observe_routes() {
  // One handler, two paths: /api/v1/stream/status is where existing dashboards read it.
  auto status = [this](const httplib::Request&, httplib::Response& res) { res.set_content(status_to_json(ctl_.status()), "application/json"); };
  svr_->Get("/api/v1/status", status);
  svr_->Get("/api/v1/stream/status", status);
  svr_->Get("/api/v1/schedule", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string days_text = req.has_param("days") ? req.get_param_value("days") : "7";
    char* end = nullptr;
    const long days = std::strtol(days_text.c_str(), &end, 10);
    if (days_text.empty() || *end != '\0' || days < 1 || days > 366) return reply_error(res, 400, "days: expected 1..366");
    const int n = static_cast<int>(days);
    res.set_content(schedule_to_json(ctl_.status().timezone, n, ctl_.schedule_changes(n)), "application/json");
  });
  svr_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    const FrontStats& f = front_->stats();
    ApiStats api;
    api.open_connections = f.open;
    api.max_connections = limits_.max_connections;
    api.refused_global = f.refused_global;
    api.refused_per_address = f.refused_address;
    api.refused_busy = f.refused_busy;
    api.refused_event_listeners = events_->refused();
    api.header_timeouts = f.header_timeouts;
    api.body_timeouts = f.body_timeouts;
    api.write_timeouts = f.write_timeouts;
    api.event_clients = events_->clients();
    api.event_clients_dropped = events_->dropped();
    res.set_content(render_metrics(all_status(), api), "text/plain; version=0.0.4");
  });
  svr_->Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) { events_->handle(req, res); });
  svr_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");  // revalidated on every load: after an upgrade, the new page
    res.set_content(dashboard_page(), "text/html; charset=utf-8");
  });
}

void HttpServer::dashboard_routes() {
  svr_->Get("/api/v1/snapshot.jpg", [this](const httplib::Request&, httplib::Response& res) {
    auto jpeg = snapshot_->jpeg();
    if (!jpeg) return reply_error(res, http_code(jpeg.code()), jpeg.error());
    res.set_header("Cache-Control", "no-store");
    res.set_content(**jpeg, "image/jpeg");
  });
  auto authorized = [this](const httplib::Request& req, httplib::Response& res) { return this->authorized(req, res); };
  // The console's loops directory is the first stream's, and so is the splice cache it prepares in.
  auto prepare = std::make_shared<LoopPrepare>([this] { return ctl_.splice_cache(); });
  add_loop_routes(*svr_, LoopRoutesEnv{*loops_, cfg_.loops_dir, cfg_.mapping_file, authorized, [this] { return all_status(); }, prepare,
                                       events_.get()});
  add_mapping_routes(*svr_, MappingRoutesEnv{ctl_, cfg_.loops_dir, cfg_.mapping_file, authorized});
  svr_->Get("/api/v1/events/recent", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(fmt::format("{{\"events\":{}}}", events_to_json(ctl_.recent_events(0))), "application/json");
  });
}

}  // namespace loopcast
