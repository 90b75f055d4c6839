#include "server/http/python_json.hpp"

#include <gtest/gtest.h>

namespace kiln::serve {
namespace {

// The expected texts are what Python 3.11's json.dumps prints.
TEST(PythonJson, EscapesLikeJsonDumps) {
  EXPECT_EQ(python_json_string("plain"), R"("plain")");
  std::string tricky("\x7f\0\xc3\xa9\xf0\x9f\x98\x80\"\\ \n\r\t\b\f\x01", 17);
  EXPECT_EQ(python_json_string(tricky), R"("\u007f\u0000\u00e9\ud83d\ude00\"\\ \n\r\t\b\f\u0001")");
}

TEST(PythonJson, InvalidUtf8BecomesTheReplacementCharacter) {
  EXPECT_EQ(python_json_string("a\xff"
                               "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(python_json_string("\xc3"), R"("\ufffd")");
  EXPECT_EQ(python_json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
}

TEST(PythonJson, ObjectsUsePythonsSeparators) {
  EXPECT_EQ(python_json_object({{"message", "x"}, {"request_id", "r-1"}}),
            R"({"message": "x", "request_id": "r-1"})");
  EXPECT_EQ(python_json_object({}), "{}");
}

}  // namespace
}  // namespace kiln::serve
