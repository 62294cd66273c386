// Sharding streams across replicas (a Kubernetes StatefulSet): every replica reads the same streams
// config and runs the streams that rendezvous (highest-random-weight) hashing gives it. A change of
// the replica count moves only the streams whose top replica changes: about 1/COUNT of them when
// one replica is added, and each of those to the new replica.
//
// The hash, so that a script or another implementation can tell owners too:
//   h(id)        = FNV-1a 64 of the id's bytes (offset 0xcbf29ce484222325, prime 0x100000001b3)
//   score(id, r) = mix64(h(id) ^ mix64(r + 1)), mix64 = SplitMix64's finaliser
//                  (z ^= z>>30; z *= 0xbf58476d1ce4e5b9; z ^= z>>27; z *= 0x94d049bb133111eb; z ^= z>>31)
//   owner(id)    = the replica r in 0..COUNT-1 with the highest score (ties: the lower r)
// FNV-1a alone spreads its low bits badly on short, similar ids ("jazz-1", "jazz-2"); the
// finaliser makes every bit of the score depend on every bit of the id and the replica.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace loopcast {

uint64_t fnv1a64(std::string_view bytes);
uint64_t mix64(uint64_t z);
uint64_t shard_score(std::string_view id, int replica);

// This replica's place: index in 0..count-1. count 1 (the default) runs every stream.
struct Shard {
  int index = 0;
  int count = 1;
  bool sharded() const { return count > 1; }
  // The replicas in the id's hash order: [0] owns it, [1] publishes its backup ingest.
  std::vector<int> order(std::string_view id) const;
  int owner(std::string_view id) const;
  bool owns(std::string_view id) const { return owner(id) == index; }
  // The replica that publishes `id`'s backup ingest; -1 with one replica.
  int backup(std::string_view id) const;
};

// Where `--shard auto` looks (the environment, passed in so tests need not set it).
struct ShardEnvironment {
  std::string shard_index;  // LOOPCAST_SHARD_INDEX: the downward API's apps.kubernetes.io/pod-index label
  std::string pod_name;     // POD_NAME: the downward API's metadata.name ("loopcast-2")
  std::string hostname;     // HOSTNAME: a StatefulSet pod's host name is its pod name
  std::string replicas;     // LOOPCAST_REPLICAS
  static ShardEnvironment from_process();
};

// `--shard`: "" (not sharded), "INDEX/COUNT" or "auto"; `replicas`: --replicas (0 = not given).
// auto takes INDEX from LOOPCAST_SHARD_INDEX, else the "-N" suffix of POD_NAME, else of HOSTNAME,
// and COUNT from --replicas, else LOOPCAST_REPLICAS. Errors say what was wrong and what to set.
Result<Shard> resolve_shard(const std::string& shard, int replicas, const ShardEnvironment& env);

}  // namespace loopcast
