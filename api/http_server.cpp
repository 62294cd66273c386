#include "api/http_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "api/azuracast.hpp"
#include "api/dashboard_page.hpp"
#include "api/metrics.hpp"
#include "control/status_json.hpp"
#include "base/log.hpp"

namespace loopcast {
namespace {
constexpr size_t kMaxBody = 1 << 20;
constexpr int kMaxSseClients = 4;  // each holds a server thread; keep the API responsive

std::string json_string(const std::string& s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return sb.GetString();
}

void reply_error(httplib::Response& res, int code, const std::string& msg) {
  res.status = code;
  res.set_content(fmt::format("{{\"error\":{}}}", json_string(msg)), "application/json");
}

int http_code(Errc c) {
  switch (c) {
    case Errc::invalid: return 400;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::unavailable: return 503;
    case Errc::internal: return 500;
  }
  return 500;
}

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
}  // namespace

HttpServer::HttpServer(Controller& ctl, ControlConfig cfg) : ctl_(ctl), cfg_(std::move(cfg)), svr_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  routes();
  svr_->set_payload_max_length(kMaxBody);
  // httplib's default adds SO_REUSEPORT, which would let a second loopcast silently share the
  // port with the first: keep SO_REUSEADDR only, so "address in use" is an error.
  svr_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<void*>(&yes), sizeof yes);
  });
  svr_->set_read_timeout(10, 0);
  svr_->set_write_timeout(10, 0);
  port_ = cfg_.http_port == 0 ? svr_->bind_to_any_port(cfg_.http_bind) : (svr_->bind_to_port(cfg_.http_bind, cfg_.http_port) ? cfg_.http_port : -1);
  if (port_ <= 0)
    return Error{fmt::format("HTTP API: cannot listen on {}:{} (address in use or not available)", cfg_.http_bind, cfg_.http_port), Errc::unavailable};
  thread_ = std::thread([this] { svr_->listen_after_bind(); });
  // httplib ignores a stop() that arrives before its accept loop runs: wait for it to run.
  for (int i = 0; i < 500 && !svr_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  log::info("http", "API on http://{}:{}/ (status: /api/v1/status)", cfg_.http_bind, port_);
  return Status::ok();
}

void HttpServer::stop() {
  stopping_ = true;
  if (svr_) svr_->stop();
  if (thread_.joinable()) thread_.join();
}

void HttpServer::routes() {
  auto& s = *svr_;
  auto guarded = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      if (!bearer_ok(req, cfg_.api_token)) {
        res.set_header("WWW-Authenticate", "Bearer");
        return reply_error(res, 401, "missing or wrong bearer token");
      }
      handler(req, res);
    };
  };
  auto lifecycle = [this](Status (Controller::*op)()) {
    return [this, op](const httplib::Request&, httplib::Response& res) {
      Status st = (ctl_.*op)();
      if (!st) return reply_error(res, http_code(st.code()), st.error());
      res.set_content(fmt::format("{{\"ok\":true,\"state\":{}}}", json_string(ctl_.status().state)), "application/json");
    };
  };

  s.Get("/api/v1/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(status_to_json(ctl_.status()), "application/json");
  });
  s.Get("/api/v1/schedule", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string days_text = req.has_param("days") ? req.get_param_value("days") : "7";
    char* end = nullptr;
    const long days = std::strtol(days_text.c_str(), &end, 10);
    if (days_text.empty() || *end != '\0' || days < 1 || days > 366) return reply_error(res, 400, "days: expected 1..366");
    const int n = static_cast<int>(days);
    res.set_content(schedule_to_json(ctl_.status().timezone, n, ctl_.schedule_changes(n)), "application/json");
  });
  s.Post("/api/v1/stream/start", guarded(lifecycle(&Controller::start)));
  s.Post("/api/v1/stream/stop", guarded(lifecycle(&Controller::stop)));
  s.Post("/api/v1/stream/restart", guarded(lifecycle(&Controller::restart)));
  s.Post("/api/v1/mapping/reload", guarded([this](const httplib::Request&, httplib::Response& res) {
    Status st = ctl_.reload_mapping();
    if (!st) return reply_error(res, http_code(st.code()), st.error());
    res.set_content("{\"ok\":true}", "application/json");
  }));
  s.Post("/api/v1/track", guarded([this](const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document doc;
    doc.Parse(req.body.c_str(), req.body.size());
    if (doc.HasParseError() || !doc.IsObject()) return reply_error(res, 400, "body must be a JSON object");
    TrackInfo t;
    t.source = "api";
    std::string loop;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      const std::string k = it->name.GetString();
      if (!it->value.IsString()) return reply_error(res, 400, fmt::format("'{}' must be a string", k));
      const std::string v = it->value.GetString();
      if (k == "loop") loop = v;
      else if (k == "artist") t.artist = v;
      else if (k == "title") t.title = v;
      else if (k == "text") t.text = v;
      else if (k == "song_id") t.song_id = v;
      else return reply_error(res, 400, fmt::format("unknown field '{}' (loop, artist, title, text, song_id)", k));
    }
    Status st;
    if (!loop.empty()) {
      st = ctl_.switch_loop(loop);
    } else if (!t.artist.empty() || !t.title.empty() || !t.text.empty() || !t.song_id.empty()) {
      if (t.text.empty() && !t.artist.empty()) t.text = t.artist + " - " + t.title;
      st = ctl_.track_changed(t);
    } else {
      return reply_error(res, 400, "give \"loop\", or \"artist\"/\"title\", \"text\" or \"song_id\"");
    }
    if (!st) return reply_error(res, http_code(st.code()), st.error());
    const auto snap = ctl_.status();
    res.status = 202;
    res.set_content(fmt::format("{{\"ok\":true,\"loop\":{},\"pending_loop\":{}}}", json_string(snap.loop), json_string(snap.pending_loop)),
                    "application/json");
  }));
  s.Post("/webhook/azuracast", [this](const httplib::Request& req, httplib::Response& res) {
    // AzuraCast sends Basic auth when configured; the API token is accepted too.
    if (!cfg_.webhook_user.empty()) {
      const auto expected = httplib::make_basic_authentication_header(cfg_.webhook_user, cfg_.webhook_password).second;
      const std::string got = req.get_header_value("Authorization");
      if (!same_secret(got, expected) && !(!cfg_.api_token.empty() && bearer_ok(req, cfg_.api_token))) {
        res.set_header("WWW-Authenticate", "Basic realm=\"loopcast\"");
        return reply_error(res, 401, "webhook credentials required");
      }
    } else if (!bearer_ok(req, cfg_.api_token) && req.has_header("Authorization")) {
      return reply_error(res, 401, "wrong credentials");
    }
    auto np = parse_nowplaying(req.body);
    if (!np) return reply_error(res, 400, np.error());
    Status st = ctl_.track_changed(np->track);
    if (!st) return reply_error(res, http_code(st.code()), st.error());
    const auto snap = ctl_.status();
    res.status = 202;
    res.set_content(fmt::format("{{\"ok\":true,\"track\":{},\"loop\":{},\"pending_loop\":{},\"pending_in\":{:.1f}}}",
                                json_string(np->track.text), json_string(snap.loop), json_string(snap.pending_loop), snap.pending_in),
                    "application/json");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_metrics(ctl_.status()), "text/plain; version=0.0.4");
  });
  s.Get("/api/v1/events", [this](const httplib::Request&, httplib::Response& res) {
    if (sse_clients_ >= kMaxSseClients) return reply_error(res, 503, "too many event listeners");
    ++sse_clients_;
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this](size_t, httplib::DataSink& sink) {
          const std::string ev = "event: status\ndata: " + status_to_json(ctl_.status()) + "\n\n";
          if (!sink.write(ev.data(), ev.size())) return false;
          for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
          return !stopping_.load();
        },
        [this](bool) { --sse_clients_; });
  });
  s.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(dashboard_page(), "text/html; charset=utf-8"); });
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* msg = res.status == 404 ? "not found" : res.status == 413 ? "request body too large (max 1 MiB)" : res.status == 405 ? "method not allowed" : "request failed";
    reply_error(res, res.status, msg);
  });
}

}  // namespace loopcast
