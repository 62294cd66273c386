#include "engine/splice/cache_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "engine/input/open_input.hpp"
#include "engine/splice/sha256.hpp"
#include "engine/splice/splice_clock.hpp"

namespace loopcast {
namespace {
constexpr const char* kMagic = "loopcast-cache 1";

// SHA-256 over what splicing uses: extradata, then per packet its frame, key flag and bytes.
std::string digest(const std::vector<uint8_t>& extradata, const std::vector<CachedPacket>& packets) {
  Sha256 h;
  h.update(extradata.data(), extradata.size());
  for (const auto& p : packets) {
    const int64_t head[2] = {p.pts, p.key ? 1 : 0};
    h.update(head, sizeof head);
    h.update(p.pkt->data, static_cast<size_t>(p.pkt->size));
  }
  return h.hex();
}

std::string comment_for(size_t frames, const std::string& sha, const std::string& profile) {
  return fmt::format("{}; frames {}; sha256 {}; {}", kMagic, frames, sha, profile);
}

struct OutputCtx {
  AVFormatContext* oc = nullptr;
  ~OutputCtx() {
    if (!oc) return;
    if (oc->pb) avio_closep(&oc->pb);
    avformat_free_context(oc);
  }
};
struct ParamsDeleter { void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); } };
using ParamsPtr = std::unique_ptr<AVCodecParameters, ParamsDeleter>;

Status mux(const std::string& tmp, const AVCodecParameters* par, const std::vector<CachedPacket>& packets, const std::string& comment,
           int fps) {
  auto fail = [&](const char* what, int err) { return Error{fmt::format("write cache '{}': {}: {}", tmp, what, av_error_string(err)), Errc::unavailable}; };
  OutputCtx out;
  int err = avformat_alloc_output_context2(&out.oc, nullptr, "mp4", tmp.c_str());
  if (err < 0) return fail("mp4 muxer", err);
  AVStream* st = avformat_new_stream(out.oc, nullptr);
  if (!st) return fail("new stream", AVERROR(ENOMEM));
  avcodec_parameters_copy(st->codecpar, par);
  st->codecpar->codec_tag = 0;
  st->time_base = AVRational{1, fps};
  if (!comment.empty()) av_dict_set(&out.oc->metadata, "comment", comment.c_str(), 0);
  if ((err = avio_open(&out.oc->pb, tmp.c_str(), AVIO_FLAG_WRITE)) < 0) return fail("open", err);
  if ((err = avformat_write_header(out.oc, nullptr)) < 0) return fail("header", err);
  int64_t delay = 0;
  for (size_t k = 0; k < packets.size(); ++k) delay = std::max(delay, splice_clock::delay_needed(static_cast<int64_t>(k), packets[k].pts));
  PacketPtr pkt = make_packet();
  for (size_t k = 0; k < packets.size(); ++k) {
    av_packet_ref(pkt.get(), packets[k].pkt.get());
    pkt->pts = packets[k].pts;
    pkt->dts = splice_clock::dts(0, static_cast<int64_t>(k), static_cast<int>(delay));
    pkt->duration = 1;
    pkt->flags = packets[k].key ? AV_PKT_FLAG_KEY : 0;
    pkt->stream_index = 0;
    av_packet_rescale_ts(pkt.get(), AVRational{1, fps}, st->time_base);
    err = av_write_frame(out.oc, pkt.get());
    av_packet_unref(pkt.get());
    if (err < 0) return fail("packet", err);
  }
  if ((err = av_write_trailer(out.oc)) < 0) return fail("trailer", err);
  if ((err = avio_closep(&out.oc->pb)) < 0) return fail("close", err);
  return Status::ok();
}

struct Demuxed {
  std::vector<CachedPacket> packets;  // decode order, local frame numbers
  ParamsPtr par{avcodec_parameters_alloc()};
  std::string comment;
};

// Every packet of the file's one H.264 or HEVC track, as the MP4 demuxer gives it (4-byte NAL
// lengths + avcC / hvcC).
Result<Demuxed> demux(const std::string& path, int fps) {
  auto bad = [&](const std::string& why) { return Error{fmt::format("cache '{}': {}", path, why), Errc::invalid}; };
  static const std::atomic<bool> never{false};
  IoDeadline deadline(never);
  InputOptions opt;
  opt.probe = false;  // an MP4 header names its streams
  auto opened = open_input(path, deadline, opt);
  if (!opened) return bad(fmt::format("partial or corrupt ({})", opened.error()));
  const InputPtr& in = *opened;
  if (in->nb_streams != 1 ||
      (in->streams[0]->codecpar->codec_id != AV_CODEC_ID_H264 && in->streams[0]->codecpar->codec_id != AV_CODEC_ID_HEVC))
    return bad("not one H.264 or HEVC track");
  Demuxed d;
  if (const AVDictionaryEntry* tag = av_dict_get(in->metadata, "comment", nullptr, 0)) d.comment = tag->value;
  const AVStream* st = in->streams[0];
  avcodec_parameters_copy(d.par.get(), st->codecpar);
  PacketPtr pkt = make_packet();
  int64_t origin = AV_NOPTS_VALUE;
  int err;
  while ((err = av_read_frame(in.get(), pkt.get())) >= 0) {
    if (origin == AV_NOPTS_VALUE) origin = pkt->pts;
    CachedPacket p;
    p.pts = av_rescale_q(pkt->pts - origin, st->time_base, AVRational{1, fps});
    p.key = pkt->flags & AV_PKT_FLAG_KEY;
    av_packet_free_side_data(pkt.get());  // only the picture goes on air (never new extradata)
    p.pkt = make_packet();
    av_packet_move_ref(p.pkt.get(), pkt.get());
    d.packets.push_back(std::move(p));
  }
  if (err != AVERROR_EOF) return bad(fmt::format("read: {}", av_error_string(err)));
  return d;
}

std::vector<uint8_t> extradata_of(const AVCodecParameters* par) {
  return std::vector<uint8_t>(par->extradata, par->extradata + par->extradata_size);
}

bool sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

Status write_cache(const std::string& path, const AVCodecContext* enc, const std::vector<CachedPacket>& packets, const CacheMeta& meta) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  static std::atomic<int> counter{0};
  const std::string stage = fmt::format("{}.part-{}-{}", path, ::getpid(), counter++);
  // The MP4 muxer stores H.264 as AVCC with an avcC header; the checksum must cover the bytes a
  // reader gets, so the packets go through the muxer once, are read back, and are written again
  // with their checksum.
  ParamsPtr par(avcodec_parameters_alloc());
  avcodec_parameters_from_context(par.get(), enc);
  Status st = mux(stage + "-a.mp4", par.get(), packets, "", meta.fps);
  if (st) {
    auto d = demux(stage + "-a.mp4", meta.fps);
    if (!d) st = Error{d.error(), Errc::unavailable};
    else st = mux(stage + ".mp4", d->par.get(), d->packets,
                  comment_for(d->packets.size(), digest(extradata_of(d->par.get()), d->packets), meta.profile), meta.fps);
  }
  // Data on disk before the name: after a crash the entry is whole or absent.
  if (st && !sync_file(stage + ".mp4")) st = Error{fmt::format("write cache '{}': fsync failed", path), Errc::unavailable};
  if (st && std::rename((stage + ".mp4").c_str(), path.c_str()) != 0) st = Error{fmt::format("write cache '{}': rename failed", path), Errc::unavailable};
  std::filesystem::remove(stage + "-a.mp4", ec);
  if (!st) std::filesystem::remove(stage + ".mp4", ec);
  return st;
}

Result<std::unique_ptr<CachedLoop>> read_cache(const std::string& path, const CacheMeta& meta) {
  if (!std::filesystem::exists(path)) return Error{fmt::format("cache '{}': not built yet", path), Errc::not_found};
  auto d = demux(path, meta.fps);
  if (!d) return d.forward();
  std::vector<uint8_t> extradata = extradata_of(d->par.get());
  if (d->comment != comment_for(d->packets.size(), digest(extradata, d->packets), meta.profile))
    return Error{fmt::format("cache '{}': corrupt, partial or of other settings (frame count, checksum or profile differ)", path), Errc::invalid};
  return CachedLoop::create(meta.source, std::move(d->packets), std::move(extradata), meta.max_gop, d->par->codec_id);
}

}  // namespace loopcast
