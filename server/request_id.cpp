#include "server/request_id.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>

namespace kiln::serve {

std::string generate_request_id() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{
        rd(), rd(), static_cast<unsigned>(::getpid()),
        static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count())};
    return std::mt19937_64(seq);
  }();
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v, int shift_from, int nibbles) {
    for (int i = 0; i < nibbles; ++i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(v >> (shift_from - 4 * i)) & 0xF];
    }
  };
  put(hi, 60, 16);
  put(lo, 60, 16);
  return out;
}

}  // namespace kiln::serve
