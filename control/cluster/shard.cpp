#include "control/cluster/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace loopcast {
namespace {
constexpr int kMaxReplicas = 1000;  // a bound that catches a typo, far above any real cluster

Error invalid(std::string m) { return Error{std::move(m), Errc::invalid}; }

// A whole non-negative decimal number, or -1.
long whole(std::string_view text) {
  if (text.empty() || text.size() > 6) return -1;
  long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "loopcast-2" → 2; -1 when the name has no "-N" suffix.
long ordinal_suffix(const std::string& name) {
  const auto dash = name.rfind('-');
  return dash == std::string::npos ? -1 : whole(std::string_view(name).substr(dash + 1));
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Result<int> auto_index(const ShardEnvironment& env) {
  if (!env.shard_index.empty()) {
    const long v = whole(env.shard_index);
    if (v < 0) return invalid(fmt::format("--shard auto: LOOPCAST_SHARD_INDEX '{}' is not a whole number", env.shard_index));
    return static_cast<int>(v);
  }
  for (const auto& [name, value] : {std::pair{"POD_NAME", env.pod_name}, {"HOSTNAME", env.hostname}})
    if (!value.empty()) {
      const long v = ordinal_suffix(value);
      if (v < 0)
        return invalid(fmt::format("--shard auto: {} '{}' does not end in -N (a StatefulSet pod's ordinal); set LOOPCAST_SHARD_INDEX "
                                   "(downward API: the apps.kubernetes.io/pod-index label) or give --shard INDEX/COUNT",
                                   name, value));
      return static_cast<int>(v);
    }
  return invalid("--shard auto: cannot tell this replica's index: set LOOPCAST_SHARD_INDEX (downward API: the "
                 "apps.kubernetes.io/pod-index label) or POD_NAME, or give --shard INDEX/COUNT");
}

Result<int> auto_count(int replicas, const ShardEnvironment& env) {
  if (replicas > 0) return replicas;
  if (!env.replicas.empty()) {
    const long v = whole(env.replicas);
    if (v < 1 || v > kMaxReplicas) return invalid(fmt::format("--shard auto: LOOPCAST_REPLICAS '{}': expected 1..{}", env.replicas, kMaxReplicas));
    return static_cast<int>(v);
  }
  return invalid("--shard auto: how many replicas? give --replicas N or set LOOPCAST_REPLICAS (the StatefulSet's replicas)");
}
}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t mix64(uint64_t z) {
  z ^= z >> 30;
  z *= 0xbf58476d1ce4e5b9ULL;
  z ^= z >> 27;
  z *= 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t shard_score(std::string_view id, int replica) { return mix64(fnv1a64(id) ^ mix64(static_cast<uint64_t>(replica) + 1)); }

std::vector<int> Shard::order(std::string_view id) const {
  std::vector<std::pair<uint64_t, int>> scored;
  for (int r = 0; r < count; ++r) scored.emplace_back(shard_score(id, r), r);
  // Highest score first; on a tie (never seen, but defined) the lower replica.
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<int> out;
  for (const auto& s : scored) out.push_back(s.second);
  return out;
}

int Shard::owner(std::string_view id) const {
  int best = 0;
  uint64_t best_score = shard_score(id, 0);
  for (int r = 1; r < count; ++r)
    if (const uint64_t s = shard_score(id, r); s > best_score) best = r, best_score = s;
  return best;
}

int Shard::backup(std::string_view id) const { return count > 1 ? order(id)[1] : -1; }

ShardEnvironment ShardEnvironment::from_process() {
  return ShardEnvironment{env_or_empty("LOOPCAST_SHARD_INDEX"), env_or_empty("POD_NAME"), env_or_empty("HOSTNAME"), env_or_empty("LOOPCAST_REPLICAS")};
}

Result<Shard> resolve_shard(const std::string& shard, int replicas, const ShardEnvironment& env) {
  if (replicas < 0 || replicas > kMaxReplicas) return invalid(fmt::format("--replicas {}: expected 1..{}", replicas, kMaxReplicas));
  if (shard.empty()) {
    if (replicas > 1) return invalid("--replicas without --shard: give --shard auto (or INDEX/COUNT)");
    return Shard{};
  }
  Shard s;
  if (shard == "auto") {
    auto index = auto_index(env);
    if (!index) return index.forward();
    auto count = auto_count(replicas, env);
    if (!count) return count.forward();
    s = Shard{*index, *count};
  } else {
    const auto slash = shard.find('/');
    const long index = slash == std::string::npos ? -1 : whole(std::string_view(shard).substr(0, slash));
    const long count = slash == std::string::npos ? -1 : whole(std::string_view(shard).substr(slash + 1));
    if (index < 0 || count < 0) return invalid(fmt::format("--shard '{}': expected INDEX/COUNT (like 0/3) or auto", shard));
    if (count < 1 || count > kMaxReplicas) return invalid(fmt::format("--shard '{}': COUNT must be 1..{}", shard, kMaxReplicas));
    if (replicas > 0 && replicas != count) return invalid(fmt::format("--shard '{}' and --replicas {} disagree on the count", shard, replicas));
    s = Shard{static_cast<int>(index), static_cast<int>(count)};
  }
  if (s.index >= s.count)
    return invalid(fmt::format("--shard: index {} is not below the count {} (replicas are numbered 0..{})", s.index, s.count, s.count - 1));
  return s;
}

}  // namespace loopcast
