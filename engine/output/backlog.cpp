#include "engine/output/backlog.hpp"

#include <optional>

namespace loopcast {
namespace {
constexpr double kUs = 1e6;

std::optional<size_t> last_keyframe(const std::vector<QueuedPacketInfo>& q) {
  for (size_t i = q.size(); i-- > 0;)
    if (q[i].video && q[i].key) return i;
  return std::nullopt;
}

// Span of the video packets from index `from` on that the plan keeps.
double kept_video_span_s(const std::vector<QueuedPacketInfo>& q, size_t from) {
  std::optional<int64_t> first, last;
  for (size_t i = from; i < q.size(); ++i) {
    if (!q[i].video) continue;
    if (!first) first = q[i].dts_us;
    last = q[i].dts_us;
  }
  return first ? static_cast<double>(*last - *first) / kUs : 0.0;
}

DropPlan drop_gops(const std::vector<QueuedPacketInfo>& q, const BacklogLimits& limits) {
  DropPlan plan{DropLevel::gop, std::vector<bool>(q.size(), false), false};
  const std::optional<size_t> key = last_keyframe(q);
  const size_t keep_from = key.value_or(q.size());
  for (size_t i = 0; i < keep_from; ++i) plan.drop[i] = q[i].video;
  if (key && kept_video_span_s(q, *key) <= limits.drop_gop_s) return plan;
  // One GOP is still too long (or none is queued): keep only its keyframe and wait for the next.
  for (size_t i = keep_from; i < q.size(); ++i) plan.drop[i] = q[i].video && !q[i].key;
  plan.wait_keyframe = true;
  return plan;
}
}  // namespace

double buffered_s(const std::vector<QueuedPacketInfo>& q) {
  for (const auto& p : q)
    if (p.video) return kept_video_span_s(q, 0);
  return queue_span_s(q);
}

double queue_span_s(const std::vector<QueuedPacketInfo>& q) {
  if (q.empty()) return 0.0;
  int64_t lo = q.front().dts_us, hi = q.front().dts_us;
  for (const auto& p : q) {
    lo = std::min(lo, p.dts_us);
    hi = std::max(hi, p.dts_us);
  }
  return static_cast<double>(hi - lo) / kUs;
}

DropPlan plan_drops(const std::vector<QueuedPacketInfo>& q, const BacklogLimits& limits) {
  if (queue_span_s(q) > limits.drop_all_s) return DropPlan{DropLevel::all, std::vector<bool>(q.size(), true), true};
  const double span = kept_video_span_s(q, 0);
  if (span > limits.drop_gop_s) return drop_gops(q, limits);
  if (span <= limits.drop_disposable_s) return {};
  DropPlan plan{DropLevel::disposable, std::vector<bool>(q.size(), false), false};
  for (size_t i = 0; i < q.size(); ++i) plan.drop[i] = q[i].video && q[i].disposable && !q[i].key;
  return plan;
}

}  // namespace loopcast
