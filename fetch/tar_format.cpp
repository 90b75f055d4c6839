#include "fetch/tar_format.hpp"

#include <cstring>
#include <stdexcept>

namespace kiln::fetch {
namespace {

void put_octal(char* field, std::size_t width, std::uint64_t value) {
  // width-1 octal digits and a NUL.
  std::string digits(width - 1, '0');
  for (std::size_t i = width - 1; i-- > 0;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  std::memcpy(field, digits.data(), width - 1);
  field[width - 1] = '\0';
}

void put_size(char* field, std::uint64_t size) {
  if (size < (std::uint64_t{1} << 33)) {
    put_octal(field, 12, size);
    return;
  }
  // base-256: high bit of the first byte set, big-endian value in the rest.
  std::memset(field, 0, 12);
  field[0] = static_cast<char>(0x80);
  for (int i = 11; i >= 4; --i) {
    field[i] = static_cast<char>(size & 0xFF);
    size >>= 8;
  }
}

std::uint64_t get_number(const char* field, std::size_t width) {
  if (static_cast<unsigned char>(field[0]) & 0x80) {
    std::uint64_t v = static_cast<unsigned char>(field[0]) & 0x7F;
    for (std::size_t i = 1; i < width; ++i) {
      if (v >> 56) throw std::runtime_error("tar number too large");
      v = (v << 8) | static_cast<unsigned char>(field[i]);
    }
    return v;
  }
  std::uint64_t v = 0;
  std::size_t i = 0;
  while (i < width && (field[i] == ' ' || field[i] == '\0')) {
    if (field[i] == '\0') return 0;
    ++i;
  }
  for (; i < width && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7')
      throw std::runtime_error("bad octal number in tar header");
    v = (v << 3) | static_cast<std::uint64_t>(field[i] - '0');
  }
  return v;
}

std::string get_string(const char* field, std::size_t width) {
  return std::string(field, strnlen(field, width));
}

unsigned checksum(const TarBlock& b) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < kTarBlock; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(b[i]);
  }
  return sum;
}

}  // namespace

TarBlock tar_header(std::string_view path, std::uint64_t size, TarType type) {
  TarBlock b{};
  std::string name(path);
  if (type == TarType::kDirectory && (name.empty() || name.back() != '/')) name += '/';
  std::string prefix;
  if (name.size() > 100) {
    // Split at a '/' so that the prefix fits 155 bytes and the name 100.
    std::size_t split = std::string::npos;
    for (std::size_t i = name.size() > 101 ? name.size() - 101 : 0; i < name.size(); ++i) {
      if (name[i] == '/' && i <= 155 && name.size() - i - 1 <= 100 && i + 1 < name.size()) {
        split = i;
        break;
      }
    }
    if (split == std::string::npos) {
      throw std::invalid_argument("path '" + std::string(path) +
                                  "' is too long for a tar entry (over 255 bytes, or a "
                                  "component over 100)");
    }
    prefix = name.substr(0, split);
    name = name.substr(split + 1);
  }
  std::memcpy(b.data(), name.data(), name.size());
  put_octal(b.data() + 100, 8, type == TarType::kDirectory ? 0755 : 0644);
  put_octal(b.data() + 108, 8, 0);  // uid
  put_octal(b.data() + 116, 8, 0);  // gid
  put_size(b.data() + 124, type == TarType::kDirectory ? 0 : size);
  put_octal(b.data() + 136, 12, 0);  // mtime
  b[156] = static_cast<char>(type);
  std::memcpy(b.data() + 257, "ustar", 6);  // magic "ustar\0"
  std::memcpy(b.data() + 263, "00", 2);     // version
  std::memcpy(b.data() + 345, prefix.data(), prefix.size());
  unsigned sum = checksum(b);
  put_octal(b.data() + 148, 7, sum);
  b[155] = ' ';
  return b;
}

std::optional<TarEntry> parse_tar_header(const TarBlock& b) {
  bool zero = true;
  for (char c : b) {
    if (c != 0) {
      zero = false;
      break;
    }
  }
  if (zero) return std::nullopt;
  if (get_number(b.data() + 148, 8) != checksum(b)) {
    throw std::runtime_error("tar header checksum mismatch (not a tar archive?)");
  }
  TarEntry e;
  e.path = get_string(b.data(), 100);
  if (std::memcmp(b.data() + 257, "ustar", 5) == 0) {
    std::string prefix = get_string(b.data() + 345, 155);
    if (!prefix.empty()) e.path = prefix + "/" + e.path;
  }
  e.size = get_number(b.data() + 124, 12);
  e.mode = static_cast<unsigned>(get_number(b.data() + 100, 8) & 07777);
  switch (b[156]) {
    case '0':
    case '\0':
    case '7':
      e.type = TarType::kFile;
      break;
    case '5':
      e.type = TarType::kDirectory;
      break;
    case '1':
      e.type = TarType::kHardLink;
      break;
    case '2':
      e.type = TarType::kSymlink;
      break;
    case 'x':
      e.type = TarType::kPaxLocal;
      break;
    case 'g':
      e.type = TarType::kPaxGlobal;
      break;
    case 'L':
      e.type = TarType::kGnuLongName;
      break;
    default:
      e.type = TarType::kOther;
  }
  if (e.type == TarType::kFile && !e.path.empty() && e.path.back() == '/') {
    e.type = TarType::kDirectory;  // old tars mark directories by the slash
  }
  return e;
}

void apply_pax_records(std::string_view records, TarEntry& entry) {
  // "<length> <key>=<value>\n" records.
  std::size_t pos = 0;
  while (pos < records.size()) {
    auto space = records.find(' ', pos);
    if (space == std::string_view::npos) throw std::runtime_error("bad pax record");
    std::size_t len = std::stoul(std::string(records.substr(pos, space - pos)));
    if (len == 0 || pos + len > records.size()) throw std::runtime_error("bad pax record length");
    std::string_view rec = records.substr(space + 1, pos + len - space - 2);
    auto eq = rec.find('=');
    if (eq != std::string_view::npos) {
      std::string_view key = rec.substr(0, eq);
      std::string value(rec.substr(eq + 1));
      if (key == "path") entry.path = value;
      if (key == "size") entry.size = std::stoull(value);
    }
    pos += len;
  }
}

std::optional<std::string> safe_relative_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  if (path.starts_with("/")) return std::nullopt;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view comp = path.substr(start, slash - start);
    start = slash + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") return std::nullopt;
    if (comp.find('\0') != std::string_view::npos) return std::nullopt;
    if (!out.empty()) out += '/';
    out += comp;
  }
  return out;
}

}  // namespace kiln::fetch
