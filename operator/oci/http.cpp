#include "operator/oci/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>

namespace kiln::oci {
namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  bool sink_stopped = false;
  std::exception_ptr error;  // never unwinds through libcurl's C frames
};

long status_of(CURL* h) {
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  const long code = status_of(t->handle);
  if (t->request->sink != nullptr && code >= 200 && code < 300) {
    try {
      if (!(*t->request->sink)(std::string_view(data, len))) {
        t->sink_stopped = true;
        return 0;
      }
    } catch (...) {
      t->error = std::current_exception();
      return 0;
    }
    return len;
  }
  if (t->response->body.size() < kMaxErrorBody || t->request->sink == nullptr) {
    t->response->body.append(data, len);
  }
  return len;
}

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  try {
    return t->request->source->read(buffer, size * n);
  } catch (...) {
    t->error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (offset != 0 || origin != SEEK_SET || !t->request->source->rewind) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  try {
    t->request->source->rewind();
  } catch (...) {
    t->error = std::current_exception();
    return CURL_SEEKFUNC_FAIL;
  }
  return CURL_SEEKFUNC_OK;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100-continue or a redirect)
    return len;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response->headers.emplace(std::move(name), trim(line.substr(colon + 1)));
  return len;
}

TransportFailure classify(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::kDns;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return TransportFailure::kTls;
    case CURLE_COULDNT_CONNECT:
      return TransportFailure::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportFailure::kInterrupted;
    default:
      return TransportFailure::kOther;
  }
}

}  // namespace

const char* to_string(TransportFailure f) {
  switch (f) {
    case TransportFailure::kDns:
      return "dns";
    case TransportFailure::kTls:
      return "tls";
    case TransportFailure::kConnect:
      return "connect";
    case TransportFailure::kTimeout:
      return "timeout";
    case TransportFailure::kInterrupted:
      return "interrupted";
    case TransportFailure::kOther:
      return "other";
  }
  return "other";
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

HttpResponse perform(const HttpRequest& req, const TlsOptions& tls) {
  global_init();
  CURL* h = curl_easy_init();
  if (h == nullptr) throw TransportError(TransportFailure::kOther, "curl_easy_init failed");
  curl_slist* headers = nullptr;
  struct Cleanup {
    CURL* h;
    curl_slist** headers;
    ~Cleanup() {
      curl_slist_free_all(*headers);
      curl_easy_cleanup(h);
    }
  } cleanup{h, &headers};

  HttpResponse response;
  Transfer t{h, &req, &response, false, nullptr};
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, req.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, req.low_speed_seconds);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
  // Only the schemes Kiln speaks, also across redirects.
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  if (!tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!req.userpwd.empty()) curl_easy_setopt(h, CURLOPT_USERPWD, req.userpwd.c_str());
  if (!req.aws_sigv4.empty()) curl_easy_setopt(h, CURLOPT_AWS_SIGV4, req.aws_sigv4.c_str());

  for (const auto& line : req.headers) headers = curl_slist_append(headers, line.c_str());
  // No "Expect: 100-continue" round trip before uploads.
  headers = curl_slist_append(headers, "Expect:");

  if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (req.source != nullptr) {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &t);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &on_seek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.source->size));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    // POST, PUT, PATCH, DELETE with an in-memory (possibly empty) body.
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  const CURLcode rc = curl_easy_perform(h);
  if (t.error) std::rethrow_exception(t.error);
  if (rc != CURLE_OK) {
    if (t.sink_stopped) throw TransportError(TransportFailure::kInterrupted, "transfer stopped");
    std::string detail = errbuf[0] != 0 ? errbuf : curl_easy_strerror(rc);
    throw TransportError(classify(rc), req.method + " " + req.url + ": " + detail);
  }
  response.status = status_of(h);
  return response;
}

}  // namespace kiln::oci
