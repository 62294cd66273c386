// engine/splice/compose_pool: the process's bounded pool for work composed ahead. A scene that a
// song's switch waits for goes before the title cards queued ahead of it; a full queue refuses at once.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "engine/splice/compose_pool.hpp"

using namespace loopcast;

TEST_CASE("compose pool: an urgent job runs before the queued ones, a full queue refuses, the destructor drops what waits") {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<std::string> order;
  auto note = [&](std::string what) {
    std::lock_guard<std::mutex> lk(mu);
    order.push_back(std::move(what));
  };
  int dropped_ran = 0;
  {
    ComposePool pool(1);
    // The one thread is busy until released, so everything after queues.
    REQUIRE(pool.submit([&] {
      std::unique_lock<std::mutex> lk(mu);
      cv.wait(lk, [&] { return release; });
    }));
    while (pool.queued() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(pool.submit([&] { note("card 1"); }));
    REQUIRE(pool.submit([&] { note("card 2"); }));
    REQUIRE(pool.submit([&] { note("scene"); }, /*urgent=*/true));
    for (size_t i = pool.queued(); i < ComposePool::kMaxQueued; ++i) REQUIRE(pool.submit([&] { note("filler"); }));
    CHECK_FALSE(pool.submit([&] { ++dropped_ran; }));  // full: refused at once, never run
    {
      std::lock_guard<std::mutex> lk(mu);
      release = true;
    }
    cv.notify_all();
    while (pool.queued() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(order.size() >= 3);
  CHECK(order[0] == "scene");
  CHECK(order[1] == "card 1");
  CHECK(order[2] == "card 2");
  CHECK(dropped_ran == 0);
}
