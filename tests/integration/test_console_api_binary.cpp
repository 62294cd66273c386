// The operator's console API against the real binary (issue 27): loops uploaded through the front
// door's spool (probed, renamed into place, refused with the decoder's reason and nothing left
// behind), deleted unless something holds them, the mapping edited through the same parser the
// stream loads it with, with a refused mapping changing nothing on disk or on air, and channels
// whose stream keys are write-only. Requests as curl sends them without a body, and bad JSON, are
// refused with a clear error and lose nothing.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;
namespace fs = std::filesystem;

namespace {
const httplib::Headers kAuth = {{"Authorization", "Bearer tok-console"}};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Files in `dir` whose name starts with ".upload-": an upload's leftovers.
int spool_leftovers(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().rfind(".upload-", 0) == 0 ? 1 : 0;
  return n;
}

// The loops listing's entry for `name` (a null value when absent).
rapidjson::Value listed(httplib::Client& cli, const std::string& name, rapidjson::Document& doc) {
  auto r = cli.Get("/api/v1/loops");
  doc.Parse(r ? r->body.c_str() : "{}");
  if (doc.IsObject() && doc.HasMember("loops"))
    for (auto& l : doc["loops"].GetArray())
      if (l["name"].GetString() == name) return rapidjson::Value(l, doc.GetAllocator());
  return rapidjson::Value();
}

struct Console {
  std::string dir = make_temp_dir("loopcast-console");
  std::string loops = dir + "/loops", mapping = dir + "/mapping.json";
  int port = free_tcp_port();
  std::unique_ptr<Loopcast> lc;
  Console() {
    fs::create_directory(loops);
    fs::copy_file(fixture("loop_1s_25fps.mp4"), loops + "/a.mp4");
    fs::copy_file(fixture("still.mp4"), loops + "/b.mp4");
    std::ofstream(mapping) << R"({"default": "a.mp4", "rules": [{"artist": "Air", "loop": "b.mp4"}]})";
    lc = std::make_unique<Loopcast>(
        std::vector<std::string>{"--loop", "a.mp4", "--loops-dir", loops, "--mapping", mapping, "--output", dir + "/out.flv", "--http-port",
                                 std::to_string(port), "--size", "320x180", "--vbitrate", "300k"},
        "", EnvVars{{"LOOPCAST_API_TOKEN", "tok-console"}});
  }
};
}  // namespace

TEST_CASE("console loops API: upload is probed and listed, garbage and oversize refused with nothing left, delete refused while held") {
  Console c;
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), c.lc->log());
  const std::string video = read_text(fixture("loop_1s_25fps.mp4"));

  auto no_token = cli.Put("/api/v1/loops/new.mp4", video, "video/mp4");
  REQUIRE(no_token);
  CHECK(no_token->status == 401);
  CHECK_FALSE(fs::exists(c.loops + "/new.mp4"));

  auto up = cli.Put("/api/v1/loops/new.mp4", kAuth, video, "video/mp4");
  REQUIRE(up);
  CHECK_MESSAGE(up->status == 201, up->body);
  CHECK(read_text(c.loops + "/new.mp4") == video);
  rapidjson::Document doc;
  auto entry = listed(cli, "new.mp4", doc);
  REQUIRE(entry.IsObject());
  CHECK(entry["duration"].GetDouble() == doctest::Approx(1.0).epsilon(0.1));
  CHECK(entry["size"].GetUint64() == video.size());

  auto garbage = cli.Put("/api/v1/loops/garbage.mp4", kAuth, read_text(fixture("corrupt.mp4")), "video/mp4");
  REQUIRE(garbage);
  CHECK(garbage->status == 422);
  CHECK_MESSAGE(has(garbage->body, "garbage.mp4"), garbage->body);  // the reason names the loop, not the spool file
  CHECK_FALSE(has(garbage->body, ".upload-"));
  CHECK_FALSE(fs::exists(c.loops + "/garbage.mp4"));
  auto empty = cli.Put("/api/v1/loops/empty.mp4", kAuth, "", "video/mp4");
  REQUIRE(empty);
  CHECK(empty->status == 422);

  // 3 GiB announced: refused from the headers alone, before a byte of the body is read.
  const auto big = raw_request(c.port,
                               "PUT /api/v1/loops/huge.mp4 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-console\r\n"
                               "Content-Length: 3221225472\r\n\r\n");
  CHECK(big.status == 413);
  CHECK(big.seconds < 2);

  for (const std::string name : {".hidden.mp4", "a%20b.mp4", "evil.sh", "x.mp4%00.sh", "..mp4", "-x.mp4"}) {
    auto r = cli.Put("/api/v1/loops/" + name, kAuth, video, "video/mp4");
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 400, name, " ", r->body);
    CHECK_MESSAGE(has(r->body, "loop name"), r->body);
  }
  auto climb = cli.Put("/api/v1/loops/..%2F..%2Fetc%2Fpasswd.mp4", kAuth, video, "video/mp4");
  REQUIRE(climb);
  CHECK(climb->status == 400);
  // Refused from the head alone, before the body is sent (none is): no token, or a bad name.
  const auto unauthorized = raw_request(c.port, "PUT /api/v1/loops/x.mp4 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  CHECK(unauthorized.status == 401);
  const auto bad_name = raw_request(c.port, "PUT /api/v1/loops/%2E%2E%2Fx.mp4 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-console\r\n"
                                            "Content-Length: 100000\r\n\r\n");
  CHECK(bad_name.status == 400);
  CHECK_MESSAGE(has(bad_name.body, "loop name '../x.mp4'"), bad_name.body);
  CHECK(spool_leftovers(c.loops) == 0);
  CHECK_FALSE(fs::exists(c.dir + "/etc"));

  auto on_air = cli.Delete("/api/v1/loops/a.mp4", kAuth);
  REQUIRE(on_air);
  CHECK(on_air->status == 409);
  CHECK_MESSAGE(has(on_air->body, "on air"), on_air->body);
  auto mapped = cli.Delete("/api/v1/loops/b.mp4", kAuth);
  REQUIRE(mapped);
  CHECK(mapped->status == 409);
  CHECK_MESSAGE(has(mapped->body, "mapping rule 0"), mapped->body);
  CHECK(cli.Delete("/api/v1/loops/new.mp4")->status == 401);
  CHECK(cli.Delete("/api/v1/loops/nope.mp4", kAuth)->status == 404);
  auto gone = cli.Delete("/api/v1/loops/new.mp4", kAuth);
  REQUIRE(gone);
  CHECK(gone->status == 200);
  CHECK_FALSE(fs::exists(c.loops + "/new.mp4"));
  CHECK(listed(cli, "new.mp4", doc).IsNull());
  CHECK(fs::exists(c.loops + "/a.mp4"));
  CHECK(fs::exists(c.loops + "/b.mp4"));
  CHECK(c.lc->terminate() == 0);
}

TEST_CASE("console loops API: a client that leaves mid-upload leaves no file behind") {
  Console c;
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return cli.Get("/api/v1/status") != nullptr; }, 10), c.lc->log());
  const int fd = connect_from("127.0.0.1", c.port);
  REQUIRE(fd >= 0);
  const std::string head =
      "PUT /api/v1/loops/half.mp4 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-console\r\nContent-Length: 100000\r\n\r\n";
  const std::string part = head + read_text(fixture("loop_1s_25fps.mp4")).substr(0, 20000);
  REQUIRE(::send(fd, part.data(), part.size(), 0) == static_cast<ssize_t>(part.size()));
  CHECK(wait_for([&] { return spool_leftovers(c.loops) == 1; }, 5));  // the part received is on disk, not in memory
  ::close(fd);
  CHECK(wait_for([&] { return spool_leftovers(c.loops) == 0; }, 5));
  CHECK_FALSE(fs::exists(c.loops + "/half.mp4"));
  CHECK(c.lc->terminate() == 0);
}

TEST_CASE("console mapping API: a bad mapping is refused naming rule and field, the old one stays, a good one is saved and used") {
  Console c;
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), c.lc->log());
  const std::string before = read_text(c.mapping);
  auto got = cli.Get("/api/v1/mapping");
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->body == before);

  struct Bad {
    const char* json;
    const char* error;
    const char* where;
  };
  for (const Bad& bad :
       {Bad{R"({"rules": [{"artist": "Air", "loop": "b.mp4"}, {"artsit": "X", "loop": "a.mp4"}]})", "rule 1: unknown key 'artsit'",
            R"("rule":1,"field":"artsit")"},
        Bad{R"({"rules": [{"artist": "Air", "loop": "nope.mp4"}]})", "rule 0: loop 'nope.mp4' is not in the loops directory",
            R"("rule":0,"field":"loop")"},
        Bad{R"({"rules": [{"days": ["mon"], "from": "24:30", "loop": "a.mp4"}]})", "rule 0: 'from'", R"("rule":0,"field":"from")"},
        Bad{"not json", "", ""}}) {
    auto r = cli.Put("/api/v1/mapping", kAuth, bad.json, "application/json");
    REQUIRE(r);
    CHECK_MESSAGE((r->status == 422 || r->status == 400), r->body);
    CHECK_MESSAGE(has(r->body, bad.error), r->body);
    CHECK_MESSAGE(has(r->body, bad.where), r->body);
    CHECK(read_text(c.mapping) == before);
  }
  auto tried = cli.Post("/api/v1/mapping/try", R"({"artist": "Air", "title": "Sexy Boy"})", "application/json");
  REQUIRE(tried);
  CHECK_MESSAGE(tried->body == R"({"loop":"b.mp4","by":"rule"})", tried->body);

  CHECK(cli.Put("/api/v1/mapping", R"({"rules": []})", "application/json")->status == 401);
  const std::string good = R"({"default": "a.mp4", "rules": [{"artist": "Daft Punk", "loop": "b.mp4"}]})";
  auto saved = cli.Put("/api/v1/mapping", kAuth, good, "application/json");
  REQUIRE(saved);
  CHECK_MESSAGE(saved->status == 200, saved->body);
  CHECK(read_text(c.mapping) == good);
  tried = cli.Post("/api/v1/mapping/try", R"({"artist": "Air"})", "application/json");
  CHECK_MESSAGE(tried->body == R"({"loop":"a.mp4","by":"default"})", tried->body);
  // In effect on air, not only on disk: the new rule switches the stream.
  REQUIRE(cli.Post("/api/v1/track", kAuth, R"({"artist": "Daft Punk", "title": "One More Time"})", "application/json")->status == 202);
  CHECK_MESSAGE(wait_for([&] { return ends_with(str(status(cli)["loop"]), "/b.mp4"); }, 10), c.lc->log());
  CHECK(c.lc->terminate() == 0);
}

TEST_CASE("console channels API: stream keys are write-only, an edit sending **** back keeps the key, a **** hiding nothing is refused") {
  TempDir dir("loopcast-console-keys");
  const int port = free_tcp_port(), ingest = free_tcp_port();  // nothing listens at `ingest`: stream two retries
  const std::string config = dir.path + "/channels.json", key = "k3y-only-the-server-knows";
  std::ofstream(config) << fmt::format(R"({{"http_port": {}, "loops_dir": "{}", "size": "320x180", "vbitrate": "300k",
    "streams": [{{"id": "main", "output": "{}"}},
                {{"id": "two", "output": "rtmp://127.0.0.1:{}/live/{}", "station": "two"}}]}})",
                                       port, std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops", dir.path + "/main.flv", ingest, key);
  Loopcast lc({"--config", config}, "", EnvVars{{"LOOPCAST_API_TOKEN", "tok-console"}});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());

  // Each channel's picture for the console's list; an unknown id is a 404.
  CHECK_MESSAGE(wait_for([&] {
                  auto pic = cli.Get("/api/v1/streams/main/snapshot.jpg");
                  return pic && pic->status == 200 && pic->get_header_value("Content-Type") == "image/jpeg" && pic->body.size() > 500;
                }, 10), lc.log());
  CHECK(cli.Get("/api/v1/streams/nope/snapshot.jpg")->status == 404);

  auto shown = cli.Get("/api/v1/streams/two");
  REQUIRE(shown);
  CHECK_FALSE(has(shown->body, key));
  rapidjson::Document got;
  got.Parse(shown->body.c_str());
  REQUIRE(got.IsObject());
  const std::string hidden = fmt::format("rtmp://127.0.0.1:{}/live/****", ingest);
  CHECK(str(got["config"]["output"]) == hidden);

  // An edit as the console sends it: the entry as shown, one field changed, the output with ****.
  auto edited = cli.Put("/api/v1/streams/two", kAuth, fmt::format(R"({{"output": "{}", "station": "two", "vbitrate": "400k"}})", hidden),
                        "application/json");
  REQUIRE(edited);
  CHECK_MESSAGE(edited->status == 200, edited->body);
  const std::string persisted = read_text(config);
  CHECK_MESSAGE(has(persisted, fmt::format("rtmp://127.0.0.1:{}/live/{}", ingest, key)), "the key is kept");
  CHECK(has(persisted, R"("vbitrate":"400k")"));
  CHECK_FALSE(has(cli.Get("/api/v1/streams/two")->body, key));

  // **** where the stream has nothing hidden: refused, naming the key, and nothing changes.
  for (const std::string body : {R"({"output": "rtmp://127.0.0.1:1/other/****"})", R"({"output": ["x.flv", "rtmp://h/live/****"]})"}) {
    auto r = cli.Put("/api/v1/streams/two", kAuth, body, "application/json");
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 400, r->body);
    CHECK_MESSAGE(has(r->body, "'****' stands for a hidden value"), r->body);
    CHECK(read_text(config) == persisted);
  }
  auto fresh = cli.Put("/api/v1/streams/three", kAuth, R"({"output": "rtmp://127.0.0.1:1/live/****"})", "application/json");
  REQUIRE(fresh);
  CHECK_MESSAGE(fresh->status == 400, fresh->body);
  CHECK_MESSAGE(has(fresh->body, "stream 'three': output"), fresh->body);
  CHECK(cli.Get("/api/v1/streams/three")->status == 404);

  // A new key typed in: it replaces the old one, and is not shown either.
  auto rekeyed = cli.Put("/api/v1/streams/two", kAuth, fmt::format(R"({{"output": "rtmp://127.0.0.1:{}/live/n3w-k3y"}})", ingest),
                         "application/json");
  REQUIRE(rekeyed);
  CHECK_MESSAGE(rekeyed->status == 200, rekeyed->body);
  CHECK(has(read_text(config), "/live/n3w-k3y"));
  CHECK_FALSE(has(read_text(config), key));
  CHECK_FALSE(has(cli.Get("/api/v1/streams/two")->body, "n3w-k3y"));
  CHECK_FALSE(has(lc.log(), key));
  CHECK_FALSE(has(lc.log(), "n3w-k3y"));
  CHECK(lc.terminate() == 0);
}

TEST_CASE("console API: requests without a body and bad JSON are refused with a clear error, and nothing is lost") {
  Console c;
  auto cli = api(c.port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), c.lc->log());
  const std::string mapping = read_text(c.mapping);
  const std::string auth = "Host: x\r\nAuthorization: Bearer tok-console\r\n";
  struct Case {
    std::string request;
    int status;
    const char* error;
  };
  // As `curl -X PUT URL` sends them: no Content-Length, no body; then bodies that are not JSON.
  for (const Case& k : {Case{"PUT /api/v1/streams/main HTTP/1.1\r\n" + auth + "\r\n", 400, "stream"},
                        Case{"PUT /api/v1/streams/extra HTTP/1.1\r\n" + auth + "\r\n", 400, "stream"},
                        Case{"PUT /api/v1/mapping HTTP/1.1\r\n" + auth + "\r\n", 422, "mapping"},
                        Case{"POST /api/v1/mapping/try HTTP/1.1\r\n" + auth + "\r\n", 400, "JSON object"},
                        Case{"PUT /api/v1/loops/none.mp4 HTTP/1.1\r\n" + auth + "\r\n", 422, "the body is empty"},
                        Case{"POST /api/v1/track HTTP/1.1\r\n" + auth + "\r\n", 400, ""},
                        Case{"PUT /api/v1/streams/main HTTP/1.1\r\n" + auth + "Content-Length: 9\r\n\r\n{\"output\"", 400, "stream"},
                        Case{"PUT /api/v1/mapping HTTP/1.1\r\n" + auth + "Content-Length: 8\r\n\r\n{rules:[", 422, "mapping"}}) {
    const auto r = raw_request(c.port, k.request);
    CAPTURE(k.request);
    CHECK_MESSAGE(r.status == k.status, r.body);
    CHECK_MESSAGE(has(r.body, "\"error\""), r.body);
    CHECK_MESSAGE(has(r.body, k.error), r.body);
  }
  // Nothing lost: the stream, its mapping and its loops are as they were.
  CHECK(read_text(c.mapping) == mapping);
  CHECK(cli.Get("/api/v1/streams/extra")->status == 404);
  CHECK(str(status(cli)["state"]) == "running");
  auto entry = cli.Get("/api/v1/streams/main");
  REQUIRE(entry);
  CHECK(entry->status == 200);
  CHECK_FALSE(fs::exists(c.loops + "/none.mp4"));
  CHECK(spool_leftovers(c.loops) == 0);
  CHECK(c.lc->terminate() == 0);
}
