// A loopback AzuraCast for the live-feed tests. It speaks the station's two now-playing channels
// exactly: GET /api/nowplaying/{station} (the NowPlaying object) and the Centrifugo uni-stream over
// SSE at /api/live/nowplaying/sse (a connect message carrying the current publication, then one
// publication per song, `{}` pings), with payloads built from tests/fixtures. Each channel can be
// told to misbehave: stall, drop the connection, send garbage or an HTML error page, 404, ping only.
#pragma once
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "tests/support/loopback_http.hpp"

namespace loopcast::test {

class FakeAzuraCast {
 public:
  enum class Mode { normal, stall, drop, garbage, html, not_found, ping_only };

  // ping_s: the interval the connect message announces and the pings keep.
  explicit FakeAzuraCast(std::string station = "loopcast_fm", int ping_s = 1);
  ~FakeAzuraCast();
  std::string base_url() const { return http_.url(""); }
  const std::string& station() const { return station_; }

  // The song on air (a NowPlaying JSON document, e.g. a fixture): REST answers it and every live
  // client gets it as a publication. Playing the same document again republishes it (a repeat).
  void play(const std::string& nowplaying_json);
  void set_live_mode(Mode m);  // at once: open connections are cut, stalled... (html, 404: new ones)
  void set_rest_mode(Mode m);
  int rest_calls() const { return rest_calls_; }
  int live_connects() const { return live_connects_; }

  static std::string fixture(const std::string& name);  // tests/fixtures/NAME, as text

 private:
  struct Conn;
  bool live_step(Conn& c, httplib::DataSink& sink);
  void rest(httplib::Response& res);
  std::string publication_locked() const;  // mu_ held: {"data":{"np":...},"offset":N}
  void wait_locked(std::unique_lock<std::mutex>& lk, double seconds, uint64_t seen);

  const std::string station_;
  const int ping_s_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string np_ = "null";  // compact NowPlaying JSON
  uint64_t offset_ = 0;      // publications so far
  Mode live_mode_ = Mode::normal, rest_mode_ = Mode::normal;
  std::atomic<bool> closing_{false};
  std::atomic<int> rest_calls_{0}, live_connects_{0};
  LoopbackHttp http_;  // last: stopped first, while the state above still exists
};

}  // namespace loopcast::test
