// Sharding streams across replicas: rendezvous hashing (balance, movement when the count changes,
// a pinned hash) and the --shard / --replicas / --peer-url values.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "control/cluster/cluster.hpp"
#include "control/cluster/shard.hpp"

using namespace loopcast;

namespace {
std::vector<std::string> ids(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("station-" + std::to_string(i));
  return out;
}

std::string error_of(const std::string& shard, int replicas = 0, ShardEnvironment env = {}) {
  auto r = resolve_shard(shard, replicas, env);
  return r ? "" : r.error();
}
}  // namespace

TEST_CASE("shard hash: FNV-1a 64 and SplitMix64's finaliser, as documented") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
  CHECK(mix64(0x9e3779b97f4a7c15ULL) == 0xe220a8397b1dcdafULL);  // SplitMix64's first output from seed 0
  // Owners are part of the interface: a different hash would move every stream on an upgrade.
  const Shard three{0, 3};
  CHECK(three.owner("jazz") == three.order("jazz")[0]);
  std::map<std::string, int> pinned;
  for (const char* id : {"jazz", "talk", "rock", "station-0", "station-1"}) pinned[id] = three.owner(id);
  CHECK(pinned == std::map<std::string, int>{{"jazz", 0}, {"rock", 1}, {"station-0", 0}, {"station-1", 2}, {"talk", 0}});
}

TEST_CASE("shard balance: every replica gets its share of 1,000 ids within 20 %") {
  for (int count : {2, 3, 4, 5, 8}) {
    CAPTURE(count);
    std::vector<int> per(count, 0);
    for (const auto& id : ids(1000)) ++per[Shard{0, count}.owner(id)];
    const double fair = 1000.0 / count;
    for (int r = 0; r < count; ++r) {
      CAPTURE(r);
      CHECK(per[r] >= fair * 0.8);
      CHECK(per[r] <= fair * 1.2);
    }
  }
}

TEST_CASE("shard movement: N to N+1 replicas moves about 1/(N+1) of the ids, all to the new one") {
  for (int n : {1, 2, 3, 4, 7}) {
    CAPTURE(n);
    int moved = 0;
    for (const auto& id : ids(1000)) {
      const int before = Shard{0, n}.owner(id), after = Shard{0, n + 1}.owner(id);
      if (before == after) continue;
      ++moved;
      CHECK(after == n);  // only to the new replica, never between old ones
    }
    const double expected = 1000.0 / (n + 1);
    CHECK(moved >= expected * 0.8);
    CHECK(moved <= expected * 1.2);
  }
}

TEST_CASE("shard order: the owner first, then the backup, every replica once") {
  const Shard s{1, 4};
  for (const auto& id : ids(50)) {
    auto order = s.order(id);
    REQUIRE(order.size() == 4);
    CHECK(order[0] == s.owner(id));
    CHECK(order[1] == s.backup(id));
    CHECK(order[1] != order[0]);
    std::sort(order.begin(), order.end());
    CHECK(order == std::vector<int>{0, 1, 2, 3});
  }
  CHECK(Shard{}.backup("jazz") == -1);  // one replica: no backup
}

TEST_CASE("--shard INDEX/COUNT and auto") {
  auto s = resolve_shard("2/3", 0, {});
  REQUIRE(s);
  CHECK(s->index == 2);
  CHECK(s->count == 3);
  CHECK(resolve_shard("", 0, {})->count == 1);
  // auto: the downward API's pod-index label first, then the pod name, then the host name.
  CHECK(resolve_shard("auto", 4, {"3", "loopcast-1", "loopcast-2", ""})->index == 3);
  CHECK(resolve_shard("auto", 4, {"", "loopcast-1", "loopcast-2", ""})->index == 1);
  CHECK(resolve_shard("auto", 4, {"", "", "loopcast-2", ""})->index == 2);
  CHECK(resolve_shard("auto", 0, {"", "", "loopcast-2", "5"})->count == 5);  // LOOPCAST_REPLICAS
  CHECK(resolve_shard("auto", 3, {"", "", "loopcast-2", "5"})->count == 3);  // --replicas wins
}

TEST_CASE("--shard: bad values say what is wrong and what to set") {
  CHECK(error_of("3/3").find("index 3 is not below the count 3") != std::string::npos);
  CHECK(error_of("1/0").find("COUNT must be 1..1000") != std::string::npos);
  CHECK(error_of("a/b").find("expected INDEX/COUNT (like 0/3) or auto") != std::string::npos);
  CHECK(error_of("1").find("expected INDEX/COUNT") != std::string::npos);
  CHECK(error_of("-1/3").find("expected INDEX/COUNT") != std::string::npos);
  CHECK(error_of("0/3/4").find("expected INDEX/COUNT") != std::string::npos);
  CHECK(error_of("1/3", 4).find("disagree") != std::string::npos);
  CHECK(error_of("", 3).find("--replicas without --shard") != std::string::npos);
  CHECK(error_of("auto", 3).find("LOOPCAST_SHARD_INDEX") != std::string::npos);
  CHECK(error_of("auto", 3, {"", "", "web", ""}).find("HOSTNAME 'web' does not end in -N") != std::string::npos);
  CHECK(error_of("auto", 3, {"x", "", "", ""}).find("LOOPCAST_SHARD_INDEX 'x' is not a whole number") != std::string::npos);
  CHECK(error_of("auto", 0, {"", "", "loopcast-0", ""}).find("give --replicas N or set LOOPCAST_REPLICAS") != std::string::npos);
  CHECK(error_of("auto", 0, {"", "", "loopcast-0", "0"}).find("LOOPCAST_REPLICAS '0'") != std::string::npos);
  CHECK(error_of("auto", 2, {"", "", "loopcast-2", ""}).find("index 2 is not below the count 2") != std::string::npos);
}

TEST_CASE("--peer-url: a template with {index}, scheme, host and port") {
  CHECK(check_peer_url(""));
  CHECK(check_peer_url("http://loopcast-{index}.loopcast:8080"));
  CHECK(check_peer_url("http://127.0.0.1:81{index}/"));
  CHECK(check_peer_url("ftp://x-{index}").error().find("expected http://") != std::string::npos);
  CHECK(check_peer_url("http://loopcast:8080").error().find("no {index}") != std::string::npos);
  CHECK(check_peer_url("http://loopcast-{index}:8080/api").error().find("no path") != std::string::npos);
  CHECK(Cluster{{0, 3}, "http://loopcast-{index}.loopcast:8080/"}.peer(2) == "http://loopcast-2.loopcast:8080");
}
