#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "operator/kube/watch_event.hpp"

namespace kiln::kube {

// Turns the bytes of a watch response, which arrive in arbitrary chunks, into
// events: the API server writes one JSON document per line. Lines split across
// chunks are buffered until their newline arrives.
class WatchEventDecoder {
 public:
  using Sink = std::function<void(WatchEvent&&)>;

  // A single line longer than `max_line_bytes` is a protocol error (throws),
  // so a broken stream cannot grow the buffer without bound.
  explicit WatchEventDecoder(std::size_t max_line_bytes = 64u << 20);

  // Decodes every complete line in `chunk` (plus what was buffered) and calls
  // `sink` for each. Throws std::runtime_error on a malformed line.
  void feed(std::string_view chunk, const Sink& sink);
  // Bytes of an incomplete line held for the next chunk.
  std::size_t buffered() const { return buffer_.size(); }
  void reset() { buffer_.clear(); }

 private:
  void decode_line(std::string_view line, const Sink& sink);
  std::size_t max_line_bytes_;
  std::string buffer_;
};

}  // namespace kiln::kube
