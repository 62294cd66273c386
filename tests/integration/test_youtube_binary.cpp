// The real binary against the loopback YouTube fake: it watches the broadcast, shows health and
// quota in status and metrics, puts a new broadcast on air when YouTube ends one while the output
// keeps flowing, and `loopcast youtube-auth` signs in with the device flow. No real Google anywhere.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/fake_youtube.hpp"

using namespace loopcast::test;

namespace {
constexpr const char* kKey = "ab12-cd34-ef56-gh78-ij90";

// The credentials in the environment of the binary (as a deployment sets them). Spawned binaries
// get no LOOPCAST_* from the test's own environment, only what is passed (tests/support/proc.hpp).
EnvVars youtube_env() {
  return {{"LOOPCAST_STREAM_KEY", kKey},
          {"LOOPCAST_YOUTUBE_CLIENT_ID", FakeYouTube::kClientId},
          {"LOOPCAST_YOUTUBE_CLIENT_SECRET", FakeYouTube::kClientSecret},
          {"LOOPCAST_YOUTUBE_REFRESH_TOKEN", FakeYouTube::kRefreshToken}};
}

std::string yt_field(httplib::Client& cli, const char* key) {
  auto d = status(cli);
  if (!d.IsObject() || !d.HasMember("youtube") || !d["youtube"].HasMember(key)) return {};
  const auto& v = d["youtube"][key];
  return v.IsString() ? v.GetString() : v.IsNumber() ? std::to_string(v.GetDouble()) : std::string();
}
double yt_number(httplib::Client& cli, const char* key) {
  auto d = status(cli);
  if (!d.IsObject() || !d.HasMember("youtube") || !d["youtube"].HasMember(key) || !d["youtube"][key].IsNumber()) return -1;
  return d["youtube"][key].GetDouble();
}
double frames(httplib::Client& cli) {
  auto d = status(cli);
  return d.IsObject() && d.HasMember("video_frames") ? d["video_frames"].GetDouble() : -1;
}
std::string metrics(httplib::Client& cli) {
  auto r = cli.Get("/metrics");
  return r ? r->body : "";
}
}  // namespace

TEST_CASE("youtube: the binary watches, recovers an ended broadcast within the target, shows health and quota — the output never stops") {
  FakeYouTube yt(kKey);
  TempDir dir("loopcast-yt");
  const int port = free_tcp_port();
  Loopcast lc({"--output",
               dir.path + "/out.flv",
               "--http-port",
               std::to_string(port),
               "--size",
               "640x360",
               "--vbitrate",
               "800k",
               "--youtube",
               "true",
               "--youtube-api-url",
               yt.api_url(),
               "--youtube-oauth-url",
               yt.oauth_url(),
               "--youtube-poll",
               "1",
               "--youtube-title",
               "{station} live",
               "--youtube-quota",
               "1000000"},  // pays for a day of 1 s polls: not paced down
              "", youtube_env());
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());
  REQUIRE_MESSAGE(wait_for([&] { return yt_field(cli, "state") == "ok" && yt_field(cli, "lifecycle") == "live"; }, 10), lc.log());
  CHECK(yt_field(cli, "health") == "good");
  CHECK(yt_field(cli, "broadcast_id") == "B1");
  CHECK(wait_for([&] { return yt_number(cli, "viewers") == 42; }, 6));
  std::string m = metrics(cli);
  CHECK(m.find("loopcast_youtube_health{stream=\"main\",health=\"good\"} 1") != std::string::npos);
  CHECK(m.find("loopcast_youtube_quota_used{stream=\"main\"}") != std::string::npos);
  CHECK(m.find("loopcast_youtube_quota_budget{stream=\"main\"} 1000000") != std::string::npos);

  // Health bad: shown in status and metrics, with its issue.
  yt.set_health("bad", {"bitrateLow"});
  REQUIRE(wait_for([&] { return yt_field(cli, "health") == "bad"; }, 5));
  CHECK(status(cli)["youtube"]["issues"][0]["type"].GetString() == std::string("bitrateLow"));
  CHECK(metrics(cli).find("loopcast_youtube_health{stream=\"main\",health=\"bad\"} 1") != std::string::npos);
  yt.set_health("good");

  // YouTube ends the broadcast while the ingest keeps accepting data.
  const double frames_before = frames(cli);
  yt.end_broadcast("B1");
  const auto ended = std::chrono::steady_clock::now();
  bool saw_ended = false;  // recovering, or the ended broadcast's lifecycle, seen in status
  double last_frames = frames_before;
  bool frames_flowed = true;
  const bool recovered = wait_for(
      [&] {
        auto d = status(cli);
        if (!d.IsObject() || !d.HasMember("youtube")) return false;
        const std::string state = d["youtube"]["state"].GetString(), lifecycle = d["youtube"]["lifecycle"].GetString();
        saw_ended = saw_ended || state == "recovering" || lifecycle == "complete";
        const double f = d["video_frames"].GetDouble();
        if (f < last_frames) frames_flowed = false;
        last_frames = f;
        return d["youtube"]["recoveries"].GetDouble() == 1 && state == "ok" && lifecycle == "live";
      },
      60, 0.1);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - ended).count();
  REQUIRE_MESSAGE(recovered, lc.log());
  MESSAGE("back on air " << took << " s after YouTube ended the broadcast (poll 1 s); the watch measured "
                         << yt_number(cli, "last_recovery_seconds") << " s");
  CHECK(took < 120);
  CHECK(saw_ended);
  CHECK(frames_flowed);
  const std::string live = yt.live_broadcast_id();
  REQUIRE_FALSE(live.empty());
  CHECK(live != "B1");
  CHECK(yt.broadcasts().at(live).title == "main live");  // {station}: the stream's id without --station
  CHECK(yt_field(cli, "broadcast_id") == live);
  CHECK(yt.calls("liveBroadcasts.insert") == 1);
  CHECK(yt.calls("liveBroadcasts.transition") == 1);
  CHECK(metrics(cli).find("loopcast_youtube_recoveries_total{stream=\"main\"} 1") != std::string::npos);
  const double after = frames(cli);
  CHECK(after > frames_before + 25);  // the picture kept coming (30 fps) through all of it

  // Quota exhausted at YouTube: the watch stops calling and says so; the counter is shown.
  yt.set_quota_exceeded(true);
  REQUIRE(wait_for([&] { return yt_field(cli, "state") == "quota_exhausted"; }, 6));
  CHECK(yt_number(cli, "quota_used") > 0);
  CHECK(metrics(cli).find("loopcast_youtube_state{stream=\"main\",state=\"quota_exhausted\"} 1") != std::string::npos);
  const int calls = yt.api_calls();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(yt.api_calls() == calls);
  CHECK(wait_for([&] { return frames(cli) > after + 30; }, 5));

  CHECK(lc.terminate() == 0);
  const std::string log = lc.log();
  for (const char* secret : {kKey, FakeYouTube::kRefreshToken, FakeYouTube::kClientSecret, "ya29.fake-access"}) {
    CAPTURE(secret);
    CHECK(log.find(secret) == std::string::npos);
  }
}

TEST_CASE("youtube: an http:// API URL that is not loopback is refused at start") {
  TempDir dir("loopcast-yt");
  Loopcast lc({"--output", dir.path + "/out.flv", "--youtube", "true", "--youtube-api-url", "http://api.example.com/youtube/v3"}, "",
              youtube_env());
  CHECK(lc.wait(10) == 2);
  CHECK(lc.log().find("youtube_api_url") != std::string::npos);
}

TEST_CASE("youtube: youtube-auth runs the device flow and stores the refresh token with mode 0600, or prints it once") {
  FakeYouTube yt(kKey);
  TempDir dir("loopcast-yt-auth");
  yt.script_device({"authorization_pending", "grant"});
  const std::string file = dir.path + "/token";
  const std::string cmd = std::string(LOOPCAST_BINARY) + " youtube-auth --client-id " + FakeYouTube::kClientId + " --client-secret " +
                          FakeYouTube::kClientSecret + " --oauth-url " + yt.oauth_url();
  CmdResult r = run_cmd(cmd + " --out " + file);
  CAPTURE(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output.find("https://www.google.com/device") != std::string::npos);
  CHECK(r.output.find("FAKE-CODE") != std::string::npos);
  CHECK(r.output.find(FakeYouTube::kRefreshToken) == std::string::npos);  // only in the file
  CHECK(read_text(file) == std::string(FakeYouTube::kRefreshToken) + "\n");
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(yt.calls("token.device") == 2);

  CmdResult out = run_cmd(cmd + " --out - 2>/dev/null");
  REQUIRE(out.code == 0);
  CHECK(out.output == std::string(FakeYouTube::kRefreshToken) + "\n");  // stdout: the token alone

  yt.script_device({"access_denied"});
  CmdResult denied = run_cmd(cmd + " --out " + dir.path + "/never");
  CHECK(denied.code == 1);
  CHECK(denied.output.find("access_denied") != std::string::npos);
}
