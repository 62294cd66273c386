// A stream entry's secrets through the API (api/entry_secrets.hpp): GET shows them as ****, and a
// PUT sending such a value back unchanged keeps what it hides; a **** hiding nothing is refused.
#include <doctest/doctest.h>

#include <string>

#include "api/entry_secrets.hpp"

using namespace loopcast;

namespace {
const std::string kOld =
    R"({"id":"two","output":["rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh","hls:/srv/hls"],"api_token":"tok-two",)"
    R"("audio":"https://dj:pa55@radio.example/listen/x.mp3","station":"two"})";
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("entry secrets: GET hides keys, passwords and tokens, and the shown entry sent back restores every one") {
  const std::string shown = redacted_entry(kOld);
  for (const char* secret : {"abcd-efgh", "tok-two", "pa55"}) CHECK_MESSAGE(!has(shown, secret), shown);
  CHECK(has(shown, "live2/****"));
  CHECK(has(shown, "hls:/srv/hls"));
  auto back = restore_hidden("two", shown, kOld);
  REQUIRE(back);
  for (const char* secret : {"live2/abcd-efgh", R"("api_token":"tok-two")", "dj:pa55@"}) CHECK_MESSAGE(has(*back, secret), *back);
}

TEST_CASE("entry secrets: one field changed keeps the rest, a new key replaces the old, **** that hides nothing is refused") {
  auto edit = restore_hidden("two", R"({"output":"rtmps://a.rtmps.youtube.com:443/live2/****","vbitrate":"4000k"})", kOld);
  REQUIRE(edit);
  CHECK(has(*edit, R"("output":"rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh")"));
  CHECK(has(*edit, R"("vbitrate":"4000k")"));
  auto rekey = restore_hidden("two", R"({"output":"rtmps://a.rtmps.youtube.com:443/live2/new-key"})", kOld);
  REQUIRE(rekey);
  CHECK(has(*rekey, "live2/new-key"));
  CHECK_FALSE(has(*rekey, "abcd-efgh"));

  // Another host or path: the **** cannot stand for the old key there.
  auto moved = restore_hidden("two", R"({"output":"rtmps://b.rtmps.youtube.com:443/live2/****"})", kOld);
  REQUIRE_FALSE(moved);
  CHECK_MESSAGE(has(moved.error(), "stream 'two': output: '****' stands for a hidden value"), moved.error());
  auto listed = restore_hidden("two", R"({"output":["hls:/srv/hls","rtmp://h/live/****"]})", kOld);
  REQUIRE_FALSE(listed);
  CHECK_MESSAGE(has(listed.error(), "output 2"), listed.error());
  // A new stream has nothing to keep.
  auto fresh = restore_hidden("new", R"({"output":"rtmps://a.rtmps.youtube.com:443/live2/****"})", "");
  REQUIRE_FALSE(fresh);
  CHECK(has(fresh.error(), "stream 'new'"));
  // Not JSON: passed on as it is, for the registry's parser to name what is wrong.
  CHECK(*restore_hidden("two", "{bad", kOld) == "{bad");
  CHECK(*restore_hidden("two", "", kOld) == "");
}

TEST_CASE("entry secrets: an output given as an object (its own profile) is hidden and kept like a string") {
  const std::string old =
      R"({"id": "obj", "output": [{"url": "rtmp://h/app/obj-key-4411", "size": "640x360"}, "rtmp://h/app/obj-key-5522/#vbitrate=900k"]})";
  const std::string shown = redacted_entry(old);
  CHECK(shown.find("obj-key-4411") == std::string::npos);
  CHECK(shown.find("obj-key-5522") == std::string::npos);
  CHECK(shown.find("640x360") != std::string::npos);
  CHECK(shown.find("#vbitrate=900k") != std::string::npos);
  auto back = restore_hidden("obj", shown, old);
  REQUIRE(back);
  CHECK(back->find("rtmp://h/app/obj-key-4411") != std::string::npos);
  CHECK(back->find("rtmp://h/app/obj-key-5522/#vbitrate=900k") != std::string::npos);
  CHECK(back->find("****") == std::string::npos);
  // A hidden value the stream never had is refused, object or not.
  CHECK_FALSE(restore_hidden("obj", R"({"output": [{"url": "rtmp://other/app/****"}]})", old));
}
