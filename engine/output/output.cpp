#include "engine/output/output.hpp"

#include <fmt/format.h>

#include <chrono>

#include "base/libav_log.hpp"
#include "base/log.hpp"
#include "base/redact.hpp"
#include "base/tls.hpp"

namespace loopcast {
namespace {
bool is_network_url(const std::string& url) { return url.find("://") != std::string::npos && url.rfind("file:", 0) != 0; }
}  // namespace

Output::Output(std::string url, OutputStreams streams, const EngineConfig& cfg, std::function<void()> request_keyframe)
    : url_(std::move(url)),
      shown_(redact_url(url_, true)),
      file_(!is_network_url(url_)),
      streams_(streams),
      io_timeout_(cfg.io_timeout),
      backoff_(cfg.output_backoff),
      // ~10 s of packets at 30 fps + 43 AAC frames/s: beyond that the ingest is not keeping up.
      max_queue_(static_cast<size_t>(10 * (cfg.fps + cfg.sample_rate / 1024 + 1))),
      request_keyframe_(std::move(request_keyframe)) {
  st_.url = shown_;
  st_.state = "stopped";
}

Output::~Output() {
  stop(0);
  clear_queue();
  for (AVPacket* p : pool_) av_packet_free(&p);
}

Status Output::connect() {
  const char* fmt_name = "flv";
  int err = avformat_alloc_output_context2(&oc_, nullptr, fmt_name, url_.c_str());
  if (err < 0) return Error{fmt::format("output '{}': {}", shown_, av_error_string(err)), Errc::invalid};
  oc_->interrupt_callback = deadline_.callback();
  for (const AVCodecContext* enc : {streams_.video, streams_.audio}) {
    AVStream* st = avformat_new_stream(oc_, nullptr);
    avcodec_parameters_from_context(st->codecpar, enc);
    st->time_base = enc->time_base;
  }
  AVDictionary* opts = nullptr;
  if (!file_) {
    av_dict_set_int(&opts, "rw_timeout", static_cast<int64_t>(io_timeout_ * 1e6), 0);
    apply_tls_policy(&opts);  // rtmps: the stream key goes only to a verified ingest
  }
  deadline_.arm(io_timeout_);
  take_libav_error();
  err = avio_open2(&oc_->pb, url_.c_str(), AVIO_FLAG_WRITE, &oc_->interrupt_callback, &opts);
  av_dict_free(&opts);
  if (err < 0) {
    const bool timed_out = deadline_.timed_out();
    avformat_free_context(oc_);
    oc_ = nullptr;
    Errc code = file_ || err == AVERROR_PROTOCOL_NOT_FOUND || err == AVERROR(EINVAL) ? Errc::invalid : Errc::unavailable;
    // libav's return code says "Input/output error" for a refused certificate: say what happened.
    return Error{fmt::format("output '{}': {}", shown_, timed_out ? "connect timed out" : describe_av_failure(err)), code};
  }
  AVDictionary* mux_opts = nullptr;
  // A live ingest cannot seek back to patch duration/filesize into the header.
  if (!file_) av_dict_set(&mux_opts, "flvflags", "no_duration_filesize", 0);
  deadline_.arm(io_timeout_);
  err = avformat_write_header(oc_, &mux_opts);
  av_dict_free(&mux_opts);
  if (err < 0) {
    disconnect(false);
    return Error{fmt::format("output '{}': write header: {}", shown_, av_error_string(err)), Errc::unavailable};
  }
  return Status::ok();
}

void Output::disconnect(bool trailer) {
  if (!oc_) return;
  if (trailer) {
    deadline_.arm(io_timeout_);
    av_write_trailer(oc_);
  }
  if (oc_->pb) {
    std::lock_guard lk(mu_);
    bytes_before_ += avio_tell(oc_->pb) > 0 ? static_cast<uint64_t>(avio_tell(oc_->pb)) : 0;
  }
  avio_closep(&oc_->pb);
  avformat_free_context(oc_);
  oc_ = nullptr;
}

Status Output::open() {
  Status s = connect();
  std::lock_guard lk(mu_);
  if (s) {
    st_.state = "live";
    accepting_ = true;
    need_keyframe_ = true;
    log::info("output", "connected to {}", shown_);
  } else {
    st_.state = "reconnecting";
    st_.last_error = s.error();
  }
  return s;
}

void Output::start() {
  stop_ = false;
  abort_io_ = false;
  thread_ = std::thread([this] { run(); });
}

void Output::push(int stream, const AVPacket* pkt) {
  {
    std::lock_guard lk(mu_);
    if (!accepting_ || stop_) return;
    if (need_keyframe_) {
      if (stream != 0 || !(pkt->flags & AV_PKT_FLAG_KEY)) return;  // wait for a clean entry point
      need_keyframe_ = false;
      offset_us_ = av_rescale_q(pkt->dts, streams_.video->time_base, AVRational{1, 1000000});
    }
    const AVRational tb = stream == 0 ? streams_.video->time_base : streams_.audio->time_base;
    if (av_rescale_q(pkt->dts, tb, AVRational{1, 1000000}) < offset_us_) return;  // before the entry point
    if (queue_.size() >= max_queue_) {
      // The ingest is not keeping up: drop the backlog, restart at the next keyframe.
      st_.dropped_packets += queue_.size();
      drop_queue_locked();
      need_keyframe_ = true;
      log::warn("output", "{}: backlog overflow, dropped queued packets", shown_);
      if (request_keyframe_) request_keyframe_();
      return;
    }
    AVPacket* p = nullptr;
    if (pool_.empty()) {
      p = av_packet_alloc();
    } else {
      p = pool_.back();
      pool_.pop_back();
    }
    av_packet_ref(p, pkt);
    queue_.emplace_back(stream, p);
  }
  cv_.notify_one();
}

Status Output::write(AVPacket* pkt) {
  deadline_.arm(io_timeout_);
  int err = av_interleaved_write_frame(oc_, pkt);
  if (err < 0)
    return Error{fmt::format("output '{}': write: {}", shown_, deadline_.timed_out() ? fmt::format("stalled for {:.0f}s", io_timeout_) : av_error_string(err)),
                 Errc::unavailable};
  std::lock_guard lk(mu_);
  ++st_.packets;
  st_.bytes = bytes_before_ + (oc_->pb ? static_cast<uint64_t>(std::max<int64_t>(0, avio_tell(oc_->pb))) : 0);
  return Status::ok();
}

void Output::run() {
  int attempt = 0;
  AVPacket* scratch = av_packet_alloc();
  while (true) {
    if (!oc_) {
      // Reconnect with backoff; the engine keeps encoding meanwhile (packets are not queued).
      if (stop_) break;
      const double wait = backoff_.delay(attempt);
      {
        std::unique_lock lk(mu_);
        st_.attempt = attempt + 1;
        cv_.wait_for(lk, std::chrono::duration<double>(wait), [&] { return stop_.load(); });
      }
      if (stop_) break;
      Status s = connect();
      if (!s) {
        ++attempt;
        log::warn("output", "{} (attempt {})", s.error(), attempt);
        std::lock_guard lk(mu_);
        st_.last_error = s.error();
        if (backoff_.attempts > 0 && attempt >= backoff_.attempts) {
          st_.state = "failed";
          break;
        }
        continue;
      }
      log::info("output", "reconnected to {} after {} attempt(s)", shown_, attempt + 1);
      attempt = 0;
      {
        std::lock_guard lk(mu_);
        st_.state = "live";
        st_.attempt = 0;
        ++st_.reconnects;
        accepting_ = true;
        need_keyframe_ = true;
      }
      if (request_keyframe_) request_keyframe_();
    }
    int stream = 0;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_.load() || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping and drained
      auto [s, p] = queue_.front();
      queue_.pop_front();
      stream = s;
      av_packet_move_ref(scratch, p);
      pool_.push_back(p);
    }
    const AVRational enc_tb = stream == 0 ? streams_.video->time_base : streams_.audio->time_base;
    const int64_t off = av_rescale_q(offset_us_, AVRational{1, 1000000}, enc_tb);
    scratch->pts -= off;
    scratch->dts -= off;
    scratch->stream_index = stream;
    av_packet_rescale_ts(scratch, enc_tb, oc_->streams[stream]->time_base);
    Status s = write(scratch);
    av_packet_unref(scratch);
    if (!s) {
      log::warn("output", "{}; reconnecting", s.error());
      disconnect(false);
      std::lock_guard lk(mu_);
      st_.state = "reconnecting";
      st_.last_error = s.error();
      accepting_ = false;
      drop_queue_locked();
    }
  }
  av_packet_free(&scratch);
  if (oc_) disconnect(true);
  std::lock_guard lk(mu_);
  accepting_ = false;
  if (st_.state != "failed") st_.state = "stopped";
}

void Output::clear_queue() {
  std::lock_guard lk(mu_);
  drop_queue_locked();
}

void Output::drop_queue_locked() {
  for (auto& [s, p] : queue_) {
    av_packet_unref(p);
    pool_.push_back(p);
  }
  queue_.clear();
}

void Output::stop(double drain_s) {
  if (!thread_.joinable()) {
    if (oc_) disconnect(true);
    return;
  }
  {
    std::lock_guard lk(mu_);
    accepting_ = false;
    stop_ = true;
  }
  cv_.notify_all();
  // Give the writer `drain_s` to flush the queue; past that, abort the blocking I/O.
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(drain_s);
  std::thread watchdog([this, until] {
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lk(mu_);
        if (st_.state == "stopped" || st_.state == "failed") return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    abort_io_ = true;
  });
  thread_.join();
  abort_io_ = true;
  watchdog.join();
}

OutputStatus Output::status() const {
  std::lock_guard lk(mu_);
  return st_;
}

}  // namespace loopcast
