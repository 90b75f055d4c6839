#include "fetch/s3_api.hpp"

#include <stdexcept>

#include "operator/oci/http.hpp"

namespace kiln::fetch {
namespace {

std::string xml_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    auto semi = s.find(';', i);
    if (semi == std::string_view::npos) throw std::runtime_error("bad XML entity");
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") {
      out.push_back('&');
    } else if (ent == "lt") {
      out.push_back('<');
    } else if (ent == "gt") {
      out.push_back('>');
    } else if (ent == "quot") {
      out.push_back('"');
    } else if (ent == "apos") {
      out.push_back('\'');
    } else if (ent.starts_with("#")) {
      unsigned long code = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')
                               ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                               : std::stoul(std::string(ent.substr(1)));
      if (code < 0x80) {
        out.push_back(static_cast<char>(code));
      } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xE0 | ((code >> 12) & 0x0F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      }
    } else {
      throw std::runtime_error("unknown XML entity &" + std::string(ent) + ";");
    }
    i = semi;
  }
  return out;
}

// The text of the first <tag>...</tag> in `xml` starting at `from`; npos when absent.
std::string_view element(std::string_view xml, std::string_view tag, size_t from = 0,
                         size_t* end_out = nullptr) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  auto b = xml.find(open, from);
  if (b == std::string_view::npos) {
    if (end_out) *end_out = std::string_view::npos;
    return {};
  }
  b += open.size();
  auto e = xml.find(close, b);
  if (e == std::string_view::npos)
    throw std::runtime_error("unterminated <" + std::string(tag) + ">");
  if (end_out) *end_out = e + close.size();
  return xml.substr(b, e - b);
}

}  // namespace

std::string s3_object_url(std::string_view endpoint, std::string_view bucket,
                          std::string_view key) {
  std::string url = std::string(endpoint) + "/" + std::string(bucket) + "/";
  size_t start = 0;
  while (start <= key.size()) {
    size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) slash = key.size();
    url += oci::url_encode(key.substr(start, slash - start));
    if (slash < key.size()) url += "/";
    start = slash + 1;
  }
  return url;
}

std::string s3_list_url(std::string_view endpoint, std::string_view bucket, std::string_view prefix,
                        std::string_view continuation_token) {
  std::string url = std::string(endpoint) + "/" + std::string(bucket) + "?";
  if (!continuation_token.empty()) {
    url += "continuation-token=" + oci::url_encode(continuation_token) + "&";
  }
  url += "list-type=2&prefix=" + oci::url_encode(prefix);
  return url;
}

S3ListPage parse_list_objects_v2(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    throw std::runtime_error("not a ListBucketResult");
  }
  S3ListPage page;
  size_t pos = 0;
  for (;;) {
    size_t end = 0;
    std::string_view contents = element(xml, "Contents", pos, &end);
    if (end == std::string_view::npos) break;
    S3Object o;
    o.key = xml_unescape(element(contents, "Key"));
    std::string size(element(contents, "Size"));
    try {
      o.size = size.empty() ? 0 : std::stoull(size);
    } catch (const std::exception&) {
      throw std::runtime_error("bad <Size> '" + size + "'");
    }
    page.objects.push_back(std::move(o));
    pos = end;
  }
  page.truncated = element(xml, "IsTruncated") == "true";
  page.next_continuation_token = xml_unescape(element(xml, "NextContinuationToken"));
  return page;
}

std::string s3_error_code(std::string_view xml) {
  try {
    return std::string(element(xml, "Code"));
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace kiln::fetch
