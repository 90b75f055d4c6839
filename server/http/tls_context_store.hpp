#pragma once

#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace kiln::serve::http {

struct TlsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The server's TLS certificate chain and private key, from PEM files (a
// Kubernetes Secret of type kubernetes.io/tls mounted as a volume). A new
// connection gets the context built from the files as they are now: when
// either file changed (a rotated Secret), they are read again; if the new
// pair cannot be loaded (half written, not matching), the previous context
// stays and a warning is logged.
class TlsContextStore {
 public:
  // Throws TlsError when the files cannot be loaded at start.
  TlsContextStore(std::string cert_file, std::string key_file);

  std::shared_ptr<boost::asio::ssl::context> current();

 private:
  struct Stamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    long long mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp stamp_of(const std::string& path);

  std::string cert_file_, key_file_;
  std::mutex mutex_;
  Stamp cert_stamp_, key_stamp_;
  Stamp failed_cert_, failed_key_;  // a pair that did not load: not tried again until it changes
  std::shared_ptr<boost::asio::ssl::context> context_;
};

// A TLS 1.2+ server context from the PEM files; throws TlsError.
std::shared_ptr<boost::asio::ssl::context> load_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace kiln::serve::http
