// Runs the real loopcast binary for integration tests and talks to its HTTP API.
#pragma once
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/proc.hpp"

namespace loopcast::test {

// `loopcast run ARGS...` in an explicit environment: no LOOPCAST_* variable of the shell running
// the tests reaches it, only those in `env` (see child_environment).
struct Loopcast {
  explicit Loopcast(std::vector<std::string> args, std::string log = "", EnvVars env = {}) {
    log_path = log.empty() ? make_temp_dir("loopcast-log") + "/loopcast.log" : log;
    std::vector<std::string> argv{LOOPCAST_BINARY, "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid = spawn(argv, log_path, env);
  }
  ~Loopcast() {
    if (exit_code < 0 && pid > 0) {
      send_signal(pid, SIGKILL);
      wait_exit(pid, 5);
    }
  }
  int wait(double timeout_s) { return exit_code = wait_exit(pid, timeout_s); }
  int terminate(double timeout_s = 8) {
    send_signal(pid, SIGTERM);
    return wait(timeout_s);
  }
  std::string log() const { return read_text(log_path); }

  pid_t pid = -1;
  int exit_code = -1;
  std::string log_path;
};

inline httplib::Client api(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(5, 0);
  return c;
}

// Video frames the pipeline reported dropping (its "off air" log line); nullopt when it never said
// (callers REQUIRE a value: two "never said" must not compare equal).
inline std::optional<int64_t> dropped_frames_in_log(const std::string& log) {
  const std::string tail = " dropped to keep real time";
  const auto at = log.rfind(tail);
  if (at == std::string::npos || at == 0) return std::nullopt;
  const auto start = log.find_last_not_of("0123456789", at - 1) + 1;
  return std::stoll(log.substr(start, at - start));
}

// GET /api/v1/status as a document ({} when the server does not answer).
inline rapidjson::Document status(httplib::Client& cli) {
  rapidjson::Document d;
  auto r = cli.Get("/api/v1/status");
  d.Parse(r ? r->body.c_str() : "{}");
  return d;
}

// "HH:MM:SS" of an instant in UTC: schedule times for a binary run with --timezone UTC.
inline std::string utc_hms(std::chrono::system_clock::time_point t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return buf;
}

// True once the stream is running and has produced video (the start of "on air" in these tests).
inline bool streaming(httplib::Client& cli) {
  auto r = cli.Get("/api/v1/status");
  return r && r->body.find("\"video_frames\":0,") == std::string::npos && r->body.find("\"running\":true") != std::string::npos;
}

// A string in a status document ("" when absent or not a string).
inline std::string str(const rapidjson::Value& v) { return v.IsString() ? v.GetString() : ""; }
inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Stream time produced so far (status output_seconds): the clock of the recording.
inline double media_time(httplib::Client& cli) { return status(cli)["output_seconds"].GetDouble(); }

// `loopcast prepare --loops-dir LOOPS PROFILE...`: the splice cache built before a splice run
// (the profile's flags go to run as well). Fails the test with the prepare's log after `limit_s`.
inline void prepare_loops(const std::string& loops, const std::vector<std::string>& profile, const std::string& log,
                          double limit_s = 120) {
  std::vector<std::string> argv{LOOPCAST_BINARY, "prepare", "--loops-dir", loops};
  argv.insert(argv.end(), profile.begin(), profile.end());
  KilledAtExit preparing(spawn(argv, log));
  REQUIRE_MESSAGE(wait_exit(preparing.pid, limit_s) == 0, read_text(log));
  preparing.pid = -1;
}

}  // namespace loopcast::test
