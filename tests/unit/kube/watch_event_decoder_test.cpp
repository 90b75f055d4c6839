#include "operator/kube/watch_event_decoder.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace kiln::kube {
namespace {

const std::string kStream =
    R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"1"}}})"
    "\n"
    R"({"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"2"},"data":{"k":"line\nbreak"}}})"
    "\n"
    R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"3"}}})"
    "\n"
    R"({"type":"DELETED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"4"}}})"
    "\n"
    R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})"
    "\n";

std::vector<WatchEvent> decode_in_chunks(const std::string& bytes, std::size_t chunk) {
  WatchEventDecoder d;
  std::vector<WatchEvent> out;
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    d.feed(std::string_view(bytes).substr(i, chunk),
           [&](WatchEvent&& e) { out.push_back(std::move(e)); });
  }
  EXPECT_EQ(d.buffered(), 0u);
  return out;
}

void expect_the_five_events(const std::vector<WatchEvent>& ev) {
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[0].type, WatchEventType::kAdded);
  EXPECT_EQ(ev[1].type, WatchEventType::kModified);
  EXPECT_EQ(ev[1].object["data"]["k"], "line\nbreak");  // an escaped newline is not a separator
  EXPECT_EQ(ev[2].type, WatchEventType::kBookmark);
  EXPECT_EQ(ev[2].object["metadata"]["resourceVersion"], "3");
  EXPECT_EQ(ev[3].type, WatchEventType::kDeleted);
  EXPECT_EQ(ev[4].type, WatchEventType::kError);
  EXPECT_EQ(ev[4].object["code"], 410);
}

TEST(WatchEventDecoder, WholeStreamInOneChunk) {
  expect_the_five_events(decode_in_chunks(kStream, kStream.size()));
}

TEST(WatchEventDecoder, ByteByByte) {
  expect_the_five_events(decode_in_chunks(kStream, 1));
}

TEST(WatchEventDecoder, OddChunkSizes) {
  for (std::size_t n : {2u, 7u, 64u, 97u, 300u}) {
    SCOPED_TRACE(n);
    expect_the_five_events(decode_in_chunks(kStream, n));
  }
}

TEST(WatchEventDecoder, PartialLineIsHeldUntilItsNewline) {
  WatchEventDecoder d;
  int n = 0;
  auto sink = [&](WatchEvent&&) { ++n; };
  d.feed(R"({"type":"ADDED","object":{"metadata":{"name":)", sink);
  EXPECT_EQ(n, 0);
  EXPECT_GT(d.buffered(), 0u);
  d.feed(R"("x"}}})", sink);
  EXPECT_EQ(n, 0);
  d.feed("\r\n\n", sink);  // CRLF and blank lines are tolerated
  EXPECT_EQ(n, 1);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(WatchEventDecoder, MalformedLineThrows) {
  WatchEventDecoder d;
  auto sink = [](WatchEvent&&) {};
  EXPECT_THROW(d.feed("{not json}\n", sink), std::runtime_error);
  WatchEventDecoder d2;
  EXPECT_THROW(d2.feed(R"({"type":"EXPLODED","object":{}})"
                       "\n",
                       sink),
               std::runtime_error);
  WatchEventDecoder d3;
  EXPECT_THROW(d3.feed(R"({"object":{}})"
                       "\n",
                       sink),
               std::runtime_error);
}

TEST(WatchEventDecoder, OverlongLineIsRejected) {
  WatchEventDecoder d(16);
  auto sink = [](WatchEvent&&) {};
  EXPECT_THROW(d.feed(std::string(64, 'x'), sink), std::runtime_error);
}

}  // namespace
}  // namespace kiln::kube
