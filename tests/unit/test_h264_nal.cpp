// The backlog's first tier drops non-reference frames: which ones they are is read from the slice
// headers, and dropping exactly those must leave every other picture decoding bit for bit.
#include <doctest/doctest.h>

#include <map>
#include <vector>

#include "engine/encoder.hpp"
#include "engine/output/h264_nal.hpp"

extern "C" {
#include <libavutil/hash.h>
}

using namespace loopcast;

namespace {
std::vector<uint8_t> annex_b(std::initializer_list<std::vector<uint8_t>> nals) {
  std::vector<uint8_t> out;
  for (const auto& n : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}
std::vector<uint8_t> avcc(std::initializer_list<std::vector<uint8_t>> nals) {
  std::vector<uint8_t> out;
  for (const auto& n : nals) {
    const auto len = static_cast<uint32_t>(n.size());
    out.insert(out.end(), {uint8_t(len >> 24), uint8_t(len >> 16), uint8_t(len >> 8), uint8_t(len)});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}
bool non_ref(const std::vector<uint8_t>& p) { return h264_non_reference(p.data(), static_cast<int>(p.size())); }

const std::vector<uint8_t> kSei{0x06, 0x05, 0x01, 0x80}, kSliceNonRef{0x01, 0x9a, 0x00}, kSliceRef{0x41, 0x9a, 0x00},
    kIdr{0x65, 0x88, 0x80};
}  // namespace

TEST_CASE("h264 nal: a slice with nal_ref_idc 0 is non-reference, in Annex B and in AVCC — SEI alone, IDR, refs and garbage are not") {
  CHECK(non_ref(annex_b({kSei, kSliceNonRef})));
  CHECK(non_ref(avcc({kSei, kSliceNonRef})));
  CHECK_FALSE(non_ref(annex_b({kSei, kSliceRef})));
  CHECK_FALSE(non_ref(avcc({kSliceRef})));
  CHECK_FALSE(non_ref(annex_b({kIdr})));
  CHECK_FALSE(non_ref(annex_b({kSei})));               // no picture in it
  CHECK_FALSE(non_ref(annex_b({kSliceNonRef, kSliceRef})));  // one reference slice is enough
  CHECK_FALSE(non_ref({0x00, 0x00, 0x00, 0x40, 0x01}));  // a length past the end: not parsed, kept
  CHECK_FALSE(h264_non_reference(nullptr, 0));
}

TEST_CASE("h264 nal: dropping the frames it calls non-reference leaves every other picture of loopcast's own encode bit-exact") {
  EngineConfig cfg;
  cfg.width = 320;
  cfg.height = 180;
  auto enc = Encoder::video(cfg);  // the live settings: veryfast, 2 B-frames, b-pyramid
  REQUIRE(enc);
  std::vector<PacketPtr> packets;
  auto keep = [&](AVPacket* p) {
    PacketPtr copy = make_packet();
    REQUIRE(av_packet_ref(copy.get(), p) == 0);
    packets.push_back(std::move(copy));
  };
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = cfg.width;
  f->height = cfg.height;
  REQUIRE(av_frame_get_buffer(f.get(), 0) == 0);
  for (int i = 0; i < 90; ++i) {  // a moving diagonal pattern: every frame differs, B-frames pay off
    REQUIRE(av_frame_make_writable(f.get()) == 0);
    for (int y = 0; y < cfg.height; ++y)
      for (int x = 0; x < cfg.width; ++x) f->data[0][y * f->linesize[0] + x] = static_cast<uint8_t>((x + y + 3 * i) * 2);
    for (int p = 1; p < 3; ++p)
      for (int y = 0; y < cfg.height / 2; ++y)
        for (int x = 0; x < cfg.width / 2; ++x) f->data[p][y * f->linesize[p] + x] = static_cast<uint8_t>(128 + ((x + i) % 32));
    f->pts = i;
    REQUIRE(enc->encode(f.get(), i == 0, keep));
  }
  REQUIRE(enc->encode(nullptr, false, keep));
  REQUIRE(packets.size() == 90);

  // Decodes `use` packets; returns pts → hash of the picture (and notes each picture's type).
  std::map<int64_t, AVPictureType> type;
  auto decode = [&](const std::vector<bool>& use) {
    std::map<int64_t, std::string> pictures;
    const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    CodecCtxPtr dec(avcodec_alloc_context3(codec));
    dec->extradata = static_cast<uint8_t*>(av_mallocz(enc->ctx()->extradata_size + AV_INPUT_BUFFER_PADDING_SIZE));
    memcpy(dec->extradata, enc->ctx()->extradata, enc->ctx()->extradata_size);
    dec->extradata_size = enc->ctx()->extradata_size;
    dec->err_recognition = AV_EF_EXPLODE;
    REQUIRE(avcodec_open2(dec.get(), codec, nullptr) == 0);
    FramePtr out = make_frame();
    auto drain = [&] {
      while (avcodec_receive_frame(dec.get(), out.get()) == 0) {
        AVHashContext* h = nullptr;
        REQUIRE(av_hash_alloc(&h, "md5") == 0);
        av_hash_init(h);
        for (int p = 0; p < 3; ++p)
          for (int y = 0; y < (p ? out->height / 2 : out->height); ++y)
            av_hash_update(h, out->data[p] + y * out->linesize[p], p ? out->width / 2 : out->width);
        char hex[64];
        av_hash_final_hex(h, reinterpret_cast<uint8_t*>(hex), sizeof hex);
        av_hash_freep(&h);
        CHECK_FALSE(out->decode_error_flags);
        pictures[out->pts] = hex;
        type[out->pts] = out->pict_type;
        av_frame_unref(out.get());
      }
    };
    for (size_t i = 0; i < packets.size(); ++i) {
      if (!use[i]) continue;
      REQUIRE(avcodec_send_packet(dec.get(), packets[i].get()) == 0);
      drain();
    }
    avcodec_send_packet(dec.get(), nullptr);
    drain();
    return pictures;
  };

  std::vector<bool> all(packets.size(), true), kept(packets.size(), true);
  int dropped = 0;
  for (size_t i = 0; i < packets.size(); ++i)
    if (h264_non_reference(packets[i]->data, packets[i]->size)) {
      CHECK_FALSE((packets[i]->flags & AV_PKT_FLAG_KEY) != 0);
      kept[i] = false;
      ++dropped;
    }
  MESSAGE(dropped << " of " << packets.size() << " frames are non-reference");
  CHECK(dropped >= 15);  // 2 B-frames with b-pyramid: about one frame in three is a leaf
  const auto full = decode(all);
  const auto types = type;
  const auto thinned = decode(kept);
  REQUIRE(full.size() == packets.size());
  // Only leaves go: every I and P picture stays, and so do the B-frames others predict from.
  int kept_b = 0;
  for (const auto& [pts, t] : types) {
    if (t != AV_PICTURE_TYPE_B) CHECK_MESSAGE(thinned.count(pts) == 1, "an I or P picture was dropped at pts " << pts);
    kept_b += t == AV_PICTURE_TYPE_B && thinned.count(pts);
  }
  CHECK(kept_b > 0);
  CHECK(thinned.size() == packets.size() - static_cast<size_t>(dropped));
  int differ = 0;
  for (const auto& [pts, hash] : thinned) differ += full.at(pts) != hash;
  CHECK(differ == 0);  // nothing that remains was predicted from a dropped frame
}
