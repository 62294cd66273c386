#include "tests/support/fake_azuracast.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>

namespace loopcast::test {
namespace {
constexpr double kStallLimit = 10;  // a stalled connection is dropped after this (frees its worker)

std::string compact(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError()) return json;
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  d.Accept(w);
  return sb.GetString();
}

bool send(httplib::DataSink& sink, const std::string& data) {
  const std::string event = "data: " + data + "\n\n";
  return sink.write(event.data(), event.size());
}
}  // namespace

// One live client and what it has been sent. It follows the live mode as it changes, so a
// connection can be cut or stalled mid-stream.
struct FakeAzuraCast::Conn {
  int id;
  std::string station;   // subscribed to station:STATION
  bool greeted = false;  // connect message sent
  uint64_t sent = 0;     // last publication offset sent
};

FakeAzuraCast::FakeAzuraCast(std::string station, int ping_s) : station_(std::move(station)), ping_s_(ping_s) {
  auto& srv = http_.routes();
  srv.new_task_queue = [] { return new httplib::ThreadPool(32); };  // stalled streams hold workers
  srv.Get(R"(/api/nowplaying/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    ++rest_calls_;
    if (req.matches[1] != station_) {
      res.status = 404;
      res.set_content(R"({"code":404,"type":"NotFoundException","message":"Station not found.","formatted_message":"Station not found.","extra_data":[],"success":false})",
                      "application/json");
      return;
    }
    rest(res);
  });
  srv.Get("/api/live/nowplaying/sse", [this](const httplib::Request& req, httplib::Response& res) {
    // Exactly the subscription loopcast must send; an unknown station subscribes to a channel
    // that never publishes (Centrifugo does not know which stations exist).
    static const std::regex want(R"re(\{"subs":\{"station:([A-Za-z0-9_-]+)":\{"recover":true\}\}\})re");
    std::smatch m;
    const std::string cf = req.get_param_value("cf_connect");
    if (!std::regex_match(cf, m, want)) {
      res.status = 400;
      res.set_content("bad cf_connect: " + cf, "text/plain");
      return;
    }
    std::unique_lock lk(mu_);
    const Mode mode = live_mode_;
    auto conn = std::make_shared<Conn>(Conn{++live_connects_, m[1].str()});
    lk.unlock();
    if (mode == Mode::html || mode == Mode::not_found) {
      res.status = mode == Mode::html ? 200 : 404;
      res.set_content("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>", "text/html");
      return;
    }
    res.set_chunked_content_provider("text/event-stream", [this, conn](size_t, httplib::DataSink& sink) { return live_step(*conn, sink); });
  });
  http_.start();
}

FakeAzuraCast::~FakeAzuraCast() {
  {
    std::lock_guard lk(mu_);
    closing_ = true;
  }
  cv_.notify_all();
}

std::string FakeAzuraCast::fixture(const std::string& name) {
  std::ifstream in(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void FakeAzuraCast::play(const std::string& nowplaying_json) {
  std::lock_guard lk(mu_);
  np_ = compact(nowplaying_json);
  ++offset_;
  cv_.notify_all();
}

void FakeAzuraCast::set_live_mode(Mode m) {
  std::lock_guard lk(mu_);
  live_mode_ = m;
}

void FakeAzuraCast::set_rest_mode(Mode m) {
  std::lock_guard lk(mu_);
  rest_mode_ = m;
}

std::string FakeAzuraCast::publication_locked() const {
  return fmt::format(R"({{"data":{{"np":{},"triggers":["song_changed"],"current_time":{}}},"offset":{}}})", np_,
                     static_cast<long long>(std::time(nullptr)), offset_);
}

// Sleeps until a publication newer than `seen`, `seconds`, or closing.
void FakeAzuraCast::wait_locked(std::unique_lock<std::mutex>& lk, double seconds, uint64_t seen) {
  cv_.wait_for(lk, std::chrono::duration<double>(seconds), [&] { return closing_ || offset_ > seen; });
}

void FakeAzuraCast::rest(httplib::Response& res) {
  std::unique_lock lk(mu_);
  const Mode m = rest_mode_;
  if (m == Mode::stall) {
    wait_locked(lk, kStallLimit, UINT64_MAX);
    res.status = 504;
    return;
  }
  if (m == Mode::html) return res.set_content("<html><body><h1>Maintenance</h1></body></html>", "text/html");
  if (m == Mode::garbage) return res.set_content("{\"now_playing\": [garbage", "application/json");
  if (m == Mode::not_found) {
    res.status = 404;
    return res.set_content(R"({"code":404,"message":"Station not found."})", "application/json");
  }
  res.set_content(np_, "application/json");
}

// One step of a live connection; false ends it (an abrupt close for the client).
bool FakeAzuraCast::live_step(Conn& c, httplib::DataSink& sink) {
  if (closing_) return false;
  std::unique_lock lk(mu_);
  const Mode mode = live_mode_;
  if (mode == Mode::ping_only) {
    if (c.greeted) wait_locked(lk, ping_s_, UINT64_MAX);
    c.greeted = true;  // (never a connect message: only pings, the first at once)
    return send(sink, "{}");
  }
  if (mode == Mode::garbage) {
    wait_locked(lk, 0.05, UINT64_MAX);
    return send(sink, "<<this is not json>>");
  }
  if (!c.greeted) {
    c.greeted = true;
    c.sent = c.station == station_ ? offset_ : UINT64_MAX;  // an unknown station never publishes
    const std::string subs = offset_ && c.station == station_ ? fmt::format(R"("publications":[{}],)", publication_locked()) : "";
    return send(sink, fmt::format(R"({{"connect":{{"client":"c-{}","version":"5.4.9","subs":{{"station:{}":{{"recoverable":true,"epoch":"xYzE",{}"offset":{},"recovered":true,"positioned":true,"was_recovering":true}}}},"ping":{},"session":"s-{}"}}}})",
                                  c.id, c.station, subs, offset_, ping_s_, c.id));
  }
  if (mode == Mode::drop) return false;
  if (mode == Mode::stall) {
    wait_locked(lk, kStallLimit, UINT64_MAX);  // connected, then nothing: no pings, no data
    return false;
  }
  wait_locked(lk, ping_s_, c.sent);
  if (closing_) return false;
  if (offset_ > c.sent) {
    c.sent = offset_;
    return send(sink, fmt::format(R"({{"channel":"station:{}","pub":{}}})", station_, publication_locked()));
  }
  return send(sink, "{}");
}

}  // namespace loopcast::test
