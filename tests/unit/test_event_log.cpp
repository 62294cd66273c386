// The recent-events ring (bounded, ordered, redacted) and the watcher that turns output and
// station status changes into events.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "base/redact.hpp"
#include "control/status/event_log.hpp"
#include "control/stream/feed_watch.hpp"

using namespace loopcast;

TEST_CASE("the event ring keeps the last N events, oldest first, and readers ask for what is new") {
  EventLog log(50);
  CHECK(log.recent().empty());
  for (int i = 1; i <= 120; ++i) log.add(i % 2 ? EventKind::switched : EventKind::error, "event " + std::to_string(i));
  const auto all = log.recent();
  REQUIRE(all.size() == 50);
  CHECK(all.front().seq == 71);
  CHECK(all.front().text == "event 71");
  CHECK(all.back().seq == 120);
  CHECK(all.back().kind == EventKind::error);
  CHECK(all.back().at.size() == 20);  // 2026-01-01T00:00:00Z
  CHECK(log.last_seq() == 120);
  const auto fresh = log.recent(110);
  REQUIRE(fresh.size() == 10);
  CHECK(fresh.front().seq == 111);
  CHECK(log.recent(120).empty());
  CHECK(log.recent(5).size() == 50);  // fell out of the ring: a reader gets what is left

  EventLog one(0);  // a capacity of 0 would lose everything: it keeps one
  one.add(EventKind::start, "a");
  one.add(EventKind::stop, "b");
  REQUIRE(one.recent().size() == 1);
  CHECK(one.recent()[0].text == "b");
}

TEST_CASE("events are redacted and render as a JSON array") {
  register_secret("k3y-abcd-efgh-ijkl");
  EventLog log;
  log.add(EventKind::error, "output rtmp://a.example/live2/k3y-abcd-efgh-ijkl: \"Broken pipe\"");
  const std::string json = events_to_json(log.recent());
  CHECK(json.find("k3y-abcd") == std::string::npos);
  rapidjson::Document d;
  d.Parse(json.c_str());
  REQUIRE(d.IsArray());
  REQUIRE(d.Size() == 1);
  CHECK(d[0]["seq"].GetUint64() == 1);
  CHECK(std::string(d[0]["kind"].GetString()) == "error");
  CHECK(std::string(d[0]["text"].GetString()).find("\"Broken pipe\"") != std::string::npos);
  CHECK(events_to_json({}) == "[]");
}

TEST_CASE("the feed watcher reports an output's reconnect and return, and a station lost and back") {
  EventLog log;
  FeedWatch watch;
  OutputStatus out;
  out.url = "rtmp://127.0.0.1/live/****";
  out.state = OutputState::live;
  AudioFeedStatus audio;
  audio.source = "http://127.0.0.1/radio.mp3";
  audio.state = AudioState::connected;
  watch.observe({out}, audio, log);
  CHECK(log.recent().empty());  // the first sample only records

  out.state = OutputState::reconnecting;
  out.last_error = "Connection refused";
  watch.observe({out}, audio, log);
  out.state = OutputState::live;
  out.reconnects = 1;
  watch.observe({out}, audio, log);
  watch.observe({out}, audio, log);  // nothing changed: nothing added

  audio.state = AudioState::reconnecting;
  audio.reconnects = 1;
  audio.last_error = "End of file";
  watch.observe({out}, audio, log);
  audio.state = AudioState::silence;  // buffering after the reconnect: not yet back
  watch.observe({out}, audio, log);
  audio.state = AudioState::connected;
  watch.observe({out}, audio, log);
  audio.state = AudioState::silence;
  watch.observe({out}, audio, log);
  audio.state = AudioState::connected;
  watch.observe({out}, audio, log);  // a quiet passage, not a reconnect

  const auto ev = log.recent();
  REQUIRE(ev.size() == 4);
  CHECK(ev[0].kind == EventKind::reconnect);
  CHECK(ev[0].text == "output rtmp://127.0.0.1/live/**** reconnecting: Connection refused");
  CHECK(ev[1].text == "output rtmp://127.0.0.1/live/**** live again (reconnect 1)");
  CHECK(ev[2].text == "station http://127.0.0.1/radio.mp3 lost: End of file; retrying");
  CHECK(ev[3].text == "station http://127.0.0.1/radio.mp3 back on air");

  watch.reset();  // a new pipeline: its outputs start from scratch
  out.state = OutputState::reconnecting;
  watch.observe({out}, audio, log);
  CHECK(log.recent().size() == 4);
}
