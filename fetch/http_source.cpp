// https:// (and loopback http://) sources: one file, GET with the headers
// from the source Secret, the CA from --source-ca.
#include <memory>

#include "fetch/error_mapping.hpp"
#include "fetch/secret_dir.hpp"
#include "fetch/source.hpp"

namespace kiln::fetch {

std::unique_ptr<Source> make_http_source(const SourceUri& uri, const SourceOptions& options);
std::unique_ptr<Source> make_s3_source(const SourceUri& uri, const SourceOptions& options);
std::unique_ptr<Source> make_file_source(const SourceUri& uri, const SourceOptions& options);

namespace {

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The file name a URL's path ends with ("model" when there is none).
std::string url_base_name(const std::string& url) {
  std::string_view u = url;
  u = u.substr(0, u.find_first_of("?#"));
  u = u.substr(u.find("://") + 3);
  auto slash = u.rfind('/');
  std::string name = slash == std::string_view::npos ? "" : percent_decoded(u.substr(slash + 1));
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return "model";
  }
  return name;
}

class HttpSource : public Source {
 public:
  HttpSource(const SourceUri& uri, const SourceOptions& options)
      : url_(uri.url), headers_(read_source_headers(options.secret_dir)) {
    tls_.ca_file = options.ca_file;
  }

  std::vector<SourceFile> list() override { return {{url_base_name(url_), url_, 0}}; }

  void read(const SourceFile& file, const oci::BodySink& sink) override {
    oci::HttpRequest req;
    req.url = file.location;
    req.headers = headers_;
    req.follow_redirects = true;
    req.sink = &sink;
    oci::HttpResponse r;
    try {
      r = oci::perform(req, tls_);
    } catch (...) {
      rethrow_as_fetch_error(Side::kSource, "cannot download the model");
    }
    check_source_status(r.status, "GET " + file.location);
  }

  bool is_collection() const override { return false; }

 private:
  std::string url_;
  std::vector<std::string> headers_;
  oci::TlsOptions tls_;
};

}  // namespace

std::unique_ptr<Source> make_http_source(const SourceUri& uri, const SourceOptions& options) {
  return std::make_unique<HttpSource>(uri, options);
}

std::unique_ptr<Source> make_source(const SourceUri& uri, const SourceOptions& options) {
  switch (uri.kind) {
    case SourceUri::Kind::kHttp:
      return make_http_source(uri, options);
    case SourceUri::Kind::kS3:
      return make_s3_source(uri, options);
    case SourceUri::Kind::kFile:
      return make_file_source(uri, options);
    case SourceUri::Kind::kOci:
      break;
  }
  throw FetchError(Reason::kInvalidArguments, "oci:// sources are resolved, not read");
}

}  // namespace kiln::fetch
