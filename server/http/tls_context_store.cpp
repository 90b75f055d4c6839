#include "server/http/tls_context_store.hpp"

#include <spdlog/spdlog.h>

namespace kiln::serve::http {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> load_tls_context(const std::string& cert_file,
                                               const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  if (ec) throw TlsError("cannot set TLS options: " + ec.message());
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) throw TlsError("KILN_TLS_CERT_FILE " + cert_file + ": " + ec.message());
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) throw TlsError("KILN_TLS_KEY_FILE " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw TlsError("the key in " + key_file + " does not match the certificate in " + cert_file);
  }
  return ctx;
}

TlsContextStore::Stamp TlsContextStore::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_dev, st.st_ino, st.st_size,
          static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

TlsContextStore::TlsContextStore(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {
  cert_stamp_ = stamp_of(cert_file_);
  key_stamp_ = stamp_of(key_file_);
  context_ = load_tls_context(cert_file_, key_file_);
}

std::shared_ptr<ssl::context> TlsContextStore::current() {
  std::lock_guard lock(mutex_);
  auto cert = stamp_of(cert_file_), key = stamp_of(key_file_);
  if (cert == cert_stamp_ && key == key_stamp_) return context_;
  if (cert == failed_cert_ && key == failed_key_) return context_;
  try {
    context_ = load_tls_context(cert_file_, key_file_);
    cert_stamp_ = cert;
    key_stamp_ = key;
    spdlog::info("TLS certificate and key re-read from {} and {}", cert_file_, key_file_);
  } catch (const TlsError& e) {
    failed_cert_ = cert;
    failed_key_ = key;
    // Keep serving with the previous pair; a Secret update may be half done.
    spdlog::warn("cannot load the changed TLS files, keeping the previous ones: {}", e.what());
  }
  return context_;
}

}  // namespace kiln::serve::http
