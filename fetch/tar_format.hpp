#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::fetch {

// The pieces of the tar format kiln-fetch writes and reads (pure).
//
// Written headers are deterministic ustar: mtime 0, uid/gid 0, no user or
// group names, mode 0644 for files and 0755 for directories, so the same
// files always give the same layer digest. Paths over 100 bytes use the
// ustar prefix field (up to 255 bytes); sizes from 8 GiB use the base-256
// encoding Go's archive/tar (containerd) and GNU tar read.

inline constexpr std::size_t kTarBlock = 512;
using TarBlock = std::array<char, kTarBlock>;

enum class TarType : char {
  kFile = '0',
  kDirectory = '5',
  kSymlink = '2',
  kHardLink = '1',
  kPaxLocal = 'x',
  kPaxGlobal = 'g',
  kGnuLongName = 'L',
  kOther = '?',
};

// Throws std::invalid_argument when the path cannot be stored (over 255 bytes
// or no split point).
TarBlock tar_header(std::string_view path, std::uint64_t size, TarType type);
// Bytes of zero padding after `size` bytes of data.
inline std::size_t tar_padding(std::uint64_t size) {
  return static_cast<std::size_t>((kTarBlock - size % kTarBlock) % kTarBlock);
}

struct TarEntry {
  std::string path;
  std::uint64_t size = 0;
  TarType type = TarType::kFile;
  unsigned mode = 0644;
};

// nullopt for an all-zero block (end of archive); throws std::runtime_error on
// a bad checksum or number.
std::optional<TarEntry> parse_tar_header(const TarBlock& block);
// Applies the "path" and "size" records of a pax extended header's data.
void apply_pax_records(std::string_view records, TarEntry& entry);

// A path safe to create under a directory: relative, no "..", no empty
// components; "./" prefixes and trailing slashes removed. nullopt when unsafe;
// "" for the root itself.
std::optional<std::string> safe_relative_path(std::string_view path);

}  // namespace kiln::fetch
