// SHA-256 through libavutil's hash API: the cache key (file content) and the cache checksum.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

extern "C" {
#include <libavutil/hash.h>
}

namespace loopcast {

class Sha256 {
 public:
  Sha256() {
    AVHashContext* h = nullptr;
    if (av_hash_alloc(&h, "SHA256") >= 0) {
      av_hash_init(h);
      ctx_.reset(h);
    }
  }
  explicit operator bool() const { return ctx_ != nullptr; }
  void update(const void* data, size_t size) {
    if (ctx_) av_hash_update(ctx_.get(), static_cast<const uint8_t*>(data), size);
  }
  // Lower-case hex of everything updated so far (ends the hash).
  std::string hex() {
    char out[2 * AV_HASH_MAX_SIZE + 1] = {0};
    if (ctx_) av_hash_final_hex(ctx_.get(), reinterpret_cast<uint8_t*>(out), sizeof out);
    return out;
  }

 private:
  struct Deleter { void operator()(AVHashContext* h) const { av_hash_freep(&h); } };
  std::unique_ptr<AVHashContext, Deleter> ctx_;
};

}  // namespace loopcast
