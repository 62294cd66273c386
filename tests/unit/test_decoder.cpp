// open_decoder(): the one find-stream / alloc / parameters / open routine of loop, station and art.
#include <doctest/doctest.h>

#include "engine/input/decoder.hpp"

using namespace loopcast;

namespace {
InputPtr open_input(const std::string& name) {
  const std::string path = std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/" + name;
  AVFormatContext* raw = nullptr;
  REQUIRE(avformat_open_input(&raw, path.c_str(), nullptr, nullptr) == 0);
  InputPtr in(raw);
  REQUIRE(avformat_find_stream_info(in.get(), nullptr) >= 0);
  return in;
}
}  // namespace

TEST_CASE("open_decoder opens the video of a loop with audio and discards the audio") {
  auto in = open_input("loop_1s_25fps.mp4");
  REQUIRE(in->nb_streams == 2);
  auto dec = open_decoder(in.get(), AVMEDIA_TYPE_VIDEO, 1);
  REQUIRE_MESSAGE(dec, (dec ? "" : dec.error()));
  CHECK(in->streams[dec->stream]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO);
  CHECK(avcodec_is_open(dec->ctx.get()));
  CHECK(dec->ctx->codec_id == AV_CODEC_ID_H264);
  CHECK(dec->ctx->width == 160);
  CHECK(dec->ctx->thread_count == 1);
  for (unsigned i = 0; i < in->nb_streams; ++i)
    CHECK((in->streams[i]->discard == AVDISCARD_ALL) == (static_cast<int>(i) != dec->stream));
}

TEST_CASE("open_decoder opens a station's audio") {
  auto in = open_input("tone_3s_mono48k.ogg");
  auto dec = open_decoder(in.get(), AVMEDIA_TYPE_AUDIO);
  REQUIRE_MESSAGE(dec, (dec ? "" : dec.error()));
  CHECK(dec->ctx->codec_id == AV_CODEC_ID_VORBIS);
  CHECK(dec->ctx->sample_rate == 48000);
}

TEST_CASE("open_decoder: no stream of the kind is not_found, named") {
  auto in = open_input("tone_3s.mp3");
  auto dec = open_decoder(in.get(), AVMEDIA_TYPE_VIDEO);
  REQUIRE_FALSE(dec);
  CHECK(dec.code() == Errc::not_found);
  CHECK(dec.error() == "no video stream");
}
