#include "operator/kube/packed_codec.hpp"

#include <zstd.h>

#include <stdexcept>

namespace kiln::kube {
namespace {

// The first byte of a packed string says what follows.
constexpr char kPlainMsgpack = 0;
constexpr char kZstdWithDictionary = 1;
// zstd's fastest level: the ratio comes from the dictionary, not the effort.
constexpr int kLevel = 1;

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// One context per thread: creating one costs more than compressing an object.
ZSTD_CCtx* compression_context() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}
ZSTD_DCtx* decompression_context() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

}  // namespace

struct PackedCodec::Dictionaries {
  ZSTD_CDict* compress = nullptr;
  ZSTD_DDict* decompress = nullptr;
  ~Dictionaries() {
    ZSTD_freeCDict(compress);
    ZSTD_freeDDict(decompress);
  }
};

PackedCodec::PackedCodec() : dicts_(std::make_unique<Dictionaries>()) {}
PackedCodec::~PackedCodec() = default;

void PackedCodec::choose_dictionary(const std::string& msgpack) {
  dictionary_ = msgpack;
  dicts_->compress = ZSTD_createCDict(dictionary_.data(), dictionary_.size(), kLevel);
  dicts_->decompress = ZSTD_createDDict(dictionary_.data(), dictionary_.size());
}

std::string PackedCodec::pack(const nlohmann::json& object) {
  std::string msgpack;
  nlohmann::json::to_msgpack(object, msgpack);
  std::call_once(chosen_, [&] { choose_dictionary(msgpack); });
  std::string out;
  if (dicts_->compress != nullptr) {
    out.resize(1 + ZSTD_compressBound(msgpack.size()));
    const std::size_t n =
        ZSTD_compress_usingCDict(compression_context(), out.data() + 1, out.size() - 1,
                                 msgpack.data(), msgpack.size(), dicts_->compress);
    if (!ZSTD_isError(n)) {
      out[0] = kZstdWithDictionary;
      out.resize(1 + n);
      out.shrink_to_fit();
      return out;
    }
  }
  // No dictionary (zstd could not allocate one) or a failed compression: plain.
  out.reserve(1 + msgpack.size());
  out.push_back(kPlainMsgpack);
  out.append(msgpack);
  return out;
}

nlohmann::json PackedCodec::unpack(std::string_view packed) const {
  if (packed.empty()) throw std::invalid_argument("packed object: empty");
  const std::string_view body = packed.substr(1);
  if (packed[0] == kPlainMsgpack) return nlohmann::json::from_msgpack(body);
  if (packed[0] != kZstdWithDictionary || dicts_->decompress == nullptr) {
    throw std::invalid_argument("packed object: unknown encoding");
  }
  const auto size = ZSTD_getFrameContentSize(body.data(), body.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    throw std::invalid_argument("packed object: not a zstd frame with its size");
  }
  std::string msgpack(size, '\0');
  const std::size_t n = ZSTD_decompress_usingDDict(decompression_context(), msgpack.data(), size,
                                                   body.data(), body.size(), dicts_->decompress);
  if (ZSTD_isError(n) || n != size) {
    throw std::invalid_argument(std::string("packed object: ") + ZSTD_getErrorName(n));
  }
  return nlohmann::json::from_msgpack(msgpack);
}

}  // namespace kiln::kube
