// s3:// sources: one object, or every object under a prefix, from any
// S3-compatible endpoint, signed with AWS SigV4 by libcurl.
#include <memory>

#include "fetch/error_mapping.hpp"
#include "fetch/s3_api.hpp"
#include "fetch/secret_dir.hpp"
#include "fetch/source.hpp"
#include "operator/oci/digest.hpp"

namespace kiln::fetch {
namespace {

class S3Source : public Source {
 public:
  S3Source(const SourceUri& uri, const SourceOptions& options)
      : uri_(uri), creds_(read_s3_credentials(options.secret_dir)) {
    tls_.ca_file = options.ca_file;
  }

  std::vector<SourceFile> list() override {
    if (!uri_.is_prefix()) {
      auto slash = uri_.key.rfind('/');
      std::string name = slash == std::string::npos ? uri_.key : uri_.key.substr(slash + 1);
      return {{name, uri_.key, 0}};
    }
    std::vector<SourceFile> files;
    std::string token;
    do {
      const std::string url = s3_list_url(creds_.endpoint, uri_.bucket, uri_.key, token);
      std::string body;
      oci::HttpResponse r = send(url, nullptr);
      body = std::move(r.body);
      check(r, "list s3://" + uri_.bucket + "/" + uri_.key);
      S3ListPage page;
      try {
        page = parse_list_objects_v2(body);
      } catch (const std::exception& e) {
        throw FetchError(Reason::kSourceUnreachable, "list s3://" + uri_.bucket + "/" + uri_.key +
                                                         ": unexpected answer (" + e.what() + ")");
      }
      for (auto& o : page.objects) {
        if (o.key.size() <= uri_.key.size() || o.key.back() == '/') continue;  // folder markers
        files.push_back({o.key.substr(uri_.key.size()), o.key, o.size});
      }
      token = page.truncated ? page.next_continuation_token : "";
    } while (!token.empty());
    if (files.empty()) {
      throw FetchError(Reason::kSourceNotFound,
                       "no objects under s3://" + uri_.bucket + "/" + uri_.key);
    }
    return files;
  }

  void read(const SourceFile& file, const oci::BodySink& sink) override {
    oci::HttpResponse r = send(s3_object_url(creds_.endpoint, uri_.bucket, file.location), &sink);
    check(r, "GET s3://" + uri_.bucket + "/" + file.location);
  }

  bool is_collection() const override { return uri_.is_prefix(); }

 private:
  oci::HttpResponse send(const std::string& url, const oci::BodySink* sink) {
    oci::HttpRequest req;
    req.url = url;
    req.sink = sink;
    if (!creds_.access_key_id.empty()) {
      req.userpwd = creds_.access_key_id + ":" + creds_.secret_access_key;
      req.aws_sigv4 = "aws:amz:" + creds_.region + ":s3";
      // S3 wants the payload hash as a header; GETs have an empty payload.
      req.headers.push_back("x-amz-content-sha256: " + oci::sha256_hex(""));
    }
    try {
      return oci::perform(req, tls_);
    } catch (...) {
      rethrow_as_fetch_error(Side::kSource, "cannot reach the S3 endpoint");
    }
  }

  static void check(const oci::HttpResponse& r, const std::string& what) {
    if (r.status >= 200 && r.status < 300) return;
    const std::string code = s3_error_code(r.body);
    if (code == "NoSuchBucket" || code == "NoSuchKey") {
      throw FetchError(Reason::kSourceNotFound, what + ": " + code);
    }
    if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "AccessDenied") {
      throw FetchError(Reason::kSourceUnauthorized,
                       what + ": " + code +
                           " (check accessKeyId/secretAccessKey in the source "
                           "Secret)");
    }
    check_source_status(r.status, what, code);
  }

  SourceUri uri_;
  S3Credentials creds_;
  oci::TlsOptions tls_;
};

}  // namespace

std::unique_ptr<Source> make_s3_source(const SourceUri& uri, const SourceOptions& options) {
  return std::make_unique<S3Source>(uri, options);
}

}  // namespace kiln::fetch
