#include "operator/kube/watch_event_decoder.hpp"

#include <stdexcept>

namespace kiln::kube {

WatchEventType parse_watch_event_type(std::string_view t) {
  if (t == "ADDED") return WatchEventType::kAdded;
  if (t == "MODIFIED") return WatchEventType::kModified;
  if (t == "DELETED") return WatchEventType::kDeleted;
  if (t == "BOOKMARK") return WatchEventType::kBookmark;
  if (t == "ERROR") return WatchEventType::kError;
  throw std::invalid_argument("unknown watch event type '" + std::string(t) + "'");
}

WatchEventDecoder::WatchEventDecoder(std::size_t max_line_bytes)
    : max_line_bytes_(max_line_bytes) {}

void WatchEventDecoder::decode_line(std::string_view line, const Sink& sink) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return;
  nlohmann::json doc = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (!doc.is_object() || !doc.contains("type") || !doc["type"].is_string()) {
    throw std::runtime_error("malformed watch event: " + std::string(line.substr(0, 200)));
  }
  WatchEvent ev;
  try {
    ev.type = parse_watch_event_type(doc["type"].get_ref<const std::string&>());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  if (auto it = doc.find("object"); it != doc.end()) ev.object = std::move(*it);
  sink(std::move(ev));
}

void WatchEventDecoder::feed(std::string_view chunk, const Sink& sink) {
  // Fast path: nothing buffered, decode lines straight out of the chunk.
  std::size_t start = 0;
  if (!buffer_.empty()) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      buffer_.append(chunk);
      if (buffer_.size() > max_line_bytes_) throw std::runtime_error("watch event line too long");
      return;
    }
    buffer_.append(chunk.substr(0, nl));
    std::string line = std::move(buffer_);
    buffer_.clear();
    decode_line(line, sink);
    start = nl + 1;
  }
  while (start < chunk.size()) {
    auto nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) {
      buffer_.assign(chunk.substr(start));
      if (buffer_.size() > max_line_bytes_) throw std::runtime_error("watch event line too long");
      return;
    }
    decode_line(chunk.substr(start, nl - start), sink);
    start = nl + 1;
  }
}

}  // namespace kiln::kube
