#include "engine/input/open_input.hpp"

#include <fmt/format.h>

#include "base/libav_log.hpp"
#include "base/tls.hpp"

namespace loopcast {
namespace {
struct DictGuard {
  AVDictionary* d = nullptr;
  ~DictGuard() { av_dict_free(&d); }
};

// A step cut short by the deadline reports itself as "Immediate exit requested": say why instead.
Error failure(int err, const std::string& why, const IoDeadline& deadline, double timeout_s) {
  if (deadline.timed_out()) return Error{fmt::format("timed out: no answer within {:g}s", timeout_s), Errc::unavailable};
  if (err == AVERROR_EXIT) return Error{"stopped", Errc::unavailable};
  return Error{why, err == AVERROR(ENOENT) ? Errc::not_found : Errc::invalid};
}
}  // namespace

Result<InputPtr> open_input(const std::string& url, IoDeadline& deadline, const InputOptions& opt) {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) return Error{"out of memory", Errc::internal};
  raw->interrupt_callback = deadline.callback();
  if (opt.format_probesize > 0) raw->format_probesize = static_cast<int>(opt.format_probesize);
  if (opt.probesize > 0) raw->probesize = opt.probesize;
  if (opt.max_analyze_duration_us > 0) raw->max_analyze_duration = opt.max_analyze_duration_us;
  DictGuard opts;
  for (const auto& [key, value] : opt.options) av_dict_set(&opts.d, key.c_str(), value.c_str(), 0);
  if (opt.tls) apply_tls_policy(&opts.d);
  deadline.arm(opt.timeout_s);
  take_libav_error();  // what libav logs during this open explains its failure (a TLS refusal)
  if (int err = avformat_open_input(&raw, url.c_str(), nullptr, &opts.d); err < 0)  // frees raw on failure
    return failure(err, describe_av_failure(err), deadline, opt.timeout_s);
  InputPtr in(raw);
  if (!opt.probe) return in;
  deadline.arm(opt.timeout_s);
  if (int err = avformat_find_stream_info(in.get(), nullptr); err < 0)
    return failure(err, av_error_string(err), deadline, opt.timeout_s);
  return in;
}

}  // namespace loopcast
