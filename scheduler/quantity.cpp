#include "scheduler/quantity.hpp"

#include <charconv>
#include <limits>

namespace kiln::scheduler {
namespace {

std::optional<std::int64_t> parse_digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::optional<std::int64_t> scaled(std::int64_t value, std::int64_t factor) {
  if (value > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
  return value * factor;
}

}  // namespace

std::optional<std::int64_t> parse_count(std::string_view text) {
  struct Suffix {
    std::string_view text;
    std::int64_t factor;
  };
  static constexpr Suffix kSuffixes[] = {
      {"k", 1000}, {"M", 1000 * 1000}, {"Ki", 1024}, {"Mi", 1024 * 1024}};
  for (const auto& s : kSuffixes) {
    if (text.size() > s.text.size() && text.ends_with(s.text)) {
      auto digits = text.substr(0, text.size() - s.text.size());
      if (digits.back() < '0' || digits.back() > '9') continue;
      auto v = parse_digits(digits);
      return v ? scaled(*v, s.factor) : std::nullopt;
    }
  }
  return parse_digits(text);
}

std::optional<std::int64_t> parse_memory_mb(std::string_view text) {
  auto with = [&](std::string_view suffix, std::int64_t num,
                  std::int64_t den) -> std::optional<std::optional<std::int64_t>> {
    if (!text.ends_with(suffix)) return std::nullopt;
    auto v = parse_digits(text.substr(0, text.size() - suffix.size()));
    if (!v) return std::optional<std::int64_t>();
    auto s = scaled(*v, num);
    return s ? std::optional<std::int64_t>(*s / den) : std::optional<std::int64_t>();
  };
  // Longest suffixes first. Gi and G are both read as 1024 MB, as GPU
  // vendors quote memory ("40GB" cards report 40960 MB to GFD).
  if (auto r = with("Gi", 1024, 1)) return *r;
  if (auto r = with("Mi", 1, 1)) return *r;
  if (auto r = with("G", 1024, 1)) return *r;
  if (auto r = with("M", 1, 1)) return *r;
  return parse_digits(text);
}

}  // namespace kiln::scheduler
