// RegistryClient against the real docker-registry (distribution 2.8) on
// loopback: without auth, with htpasswd Basic auth, with token auth, over TLS.
#include "operator/oci/registry_client.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "operator/oci/digest.hpp"
#include "operator/oci/image_manifest.hpp"
#include "tests/integration/oci/registry_process.hpp"

namespace kiln::oci {
namespace {

using testing::RegistryAuth;
using testing::RegistryProcess;

RegistryOptions options_for(const RegistryProcess& r, bool with_credentials = true,
                            const std::string& password = testing::kRegistryPassword) {
  RegistryOptions o;
  o.registry = r.host();
  o.plain_http = !r.tls();
  if (r.tls()) o.tls.ca_file = r.ca_file();
  if (with_credentials) o.credentials = Credentials{testing::kRegistryUser, password, ""};
  return o;
}

BodySource string_source(const std::string& data) {
  auto pos = std::make_shared<size_t>(0);
  BodySource s;
  s.size = data.size();
  s.read = [&data, pos](char* buf, size_t n) {
    size_t k = std::min(n, data.size() - *pos);
    std::memcpy(buf, data.data() + *pos, k);
    *pos += k;
    return k;
  };
  s.rewind = [pos] { *pos = 0; };
  return s;
}

// Pushes a one-layer image and returns its manifest digest.
std::string push_image(RegistryClient& client, const std::string& repo, const std::string& layer,
                       const std::string& tag) {
  const std::string layer_digest = sha256_digest(sha256_hex(layer));
  client.push_blob(repo, layer_digest, layer);
  const std::string config = single_layer_config(layer_digest);
  const std::string config_digest = sha256_digest(sha256_hex(config));
  client.push_blob(repo, config_digest, config);
  const std::string manifest =
      image_manifest({std::string(kOciConfig), config_digest, config.size()},
                     {{std::string(kOciLayerTar), layer_digest, layer.size()}});
  return client.put_manifest(repo, tag, manifest, kOciManifest);
}

class RegistryClientAuthTest : public ::testing::TestWithParam<RegistryAuth> {};

TEST_P(RegistryClientAuthTest, PushesPullsAndTagsAnImage) {
  RegistryProcess registry(GetParam());
  RegistryClient client(options_for(registry));
  const std::string repo = "models/ns/iris";
  const std::string layer(300000, 'x');

  EXPECT_FALSE(client.head_manifest(repo, "v1").has_value());
  const std::string digest = push_image(client, repo, layer, "v1");

  auto head = client.head_manifest(repo, "v1");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->digest, digest);
  EXPECT_EQ(head->media_type, kOciManifest);

  Manifest m = client.get_manifest(repo, digest);
  EXPECT_EQ(m.digest, digest);
  ImageManifest parsed = parse_image_manifest(m.body);
  ASSERT_EQ(parsed.layers.size(), 1u);
  EXPECT_EQ(parsed.layers[0].size, layer.size());
  EXPECT_EQ(client.get_blob(repo, parsed.layers[0].digest), layer);
  EXPECT_EQ(client.head_blob(repo, parsed.layers[0].digest), layer.size());

  // Tagging: the same manifest bytes under a new tag keep the digest.
  EXPECT_EQ(client.put_manifest(repo, "v2", m.body, m.media_type), digest);
  EXPECT_EQ(client.head_manifest(repo, "v2")->digest, digest);
  EXPECT_EQ(client.tag_manifest(repo, digest, "v3"), digest);
  EXPECT_EQ(client.head_manifest(repo, "v3")->digest, digest);
  EXPECT_THROW(client.tag_manifest(repo, sha256_digest(sha256_hex("none")), "v4"), NotFoundError);
}

TEST_P(RegistryClientAuthTest, ChunkedUploadAndMount) {
  RegistryProcess registry(GetParam());
  RegistryClient client(options_for(registry));
  std::string data;
  for (int i = 0; i < 100000; ++i) data += std::to_string(i);
  const std::string digest = sha256_digest(sha256_hex(data));
  BodySource source = string_source(data);
  client.push_blob_chunked("a/one", digest, source, 65536);
  EXPECT_EQ(client.head_blob("a/one", digest), data.size());
  EXPECT_EQ(client.get_blob("a/one", digest), data);

  EXPECT_TRUE(client.mount_blob("a/two", digest, "a/one"));
  EXPECT_EQ(client.head_blob("a/two", digest), data.size());
  EXPECT_EQ(registry.count_requests("PATCH", "/v2/a/one/blobs/uploads/"),
            static_cast<int>((data.size() + 65535) / 65536));
}

INSTANTIATE_TEST_SUITE_P(Auth, RegistryClientAuthTest,
                         ::testing::Values(RegistryAuth::kNone, RegistryAuth::kBasic,
                                           RegistryAuth::kToken),
                         [](const auto& info) {
                           switch (info.param) {
                             case RegistryAuth::kNone:
                               return std::string("NoAuth");
                             case RegistryAuth::kBasic:
                               return std::string("Basic");
                             case RegistryAuth::kToken:
                               return std::string("Token");
                           }
                           return std::string("Unknown");
                         });

TEST(RegistryClient, BasicAuthWithWrongPasswordIsUnauthorized) {
  RegistryProcess registry(RegistryAuth::kBasic);
  RegistryClient client(options_for(registry, true, "wrong"));
  EXPECT_THROW(client.head_manifest("a/b", "v1"), UnauthorizedError);
}

TEST(RegistryClient, BasicAuthWithoutCredentialsIsUnauthorized) {
  RegistryProcess registry(RegistryAuth::kBasic);
  RegistryClient client(options_for(registry, false));
  try {
    client.head_blob("a/b", sha256_digest(sha256_hex("x")));
    FAIL() << "expected UnauthorizedError";
  } catch (const UnauthorizedError& e) {
    EXPECT_NE(std::string(e.what()).find("none is configured"), std::string::npos) << e.what();
  }
}

TEST(RegistryClient, TokenAuthWithWrongPasswordIsUnauthorized) {
  RegistryProcess registry(RegistryAuth::kToken);
  RegistryClient client(options_for(registry, true, "wrong"));
  try {
    client.get_manifest("a/b", "v1");
    FAIL() << "expected UnauthorizedError";
  } catch (const UnauthorizedError& e) {
    EXPECT_NE(std::string(e.what()).find("token server"), std::string::npos) << e.what();
  }
}

TEST(RegistryClient, MissingThingsAreNotFound) {
  RegistryProcess registry;
  RegistryClient client(options_for(registry, false));
  const std::string digest = sha256_digest(sha256_hex("nothing"));
  EXPECT_FALSE(client.head_manifest("x/y", "v1").has_value());
  EXPECT_FALSE(client.head_blob("x/y", digest).has_value());
  EXPECT_THROW(client.get_manifest("x/y", "v1"), NotFoundError);
  EXPECT_THROW(client.get_blob("x/y", digest), NotFoundError);
}

TEST(RegistryClient, UploadWithWrongDigestIsRefused) {
  RegistryProcess registry;
  RegistryClient client(options_for(registry, false));
  const std::string wrong = sha256_digest(sha256_hex("other bytes"));
  EXPECT_THROW(client.push_blob("x/y", wrong, std::string("these bytes")), DigestMismatchError);
  EXPECT_FALSE(client.head_blob("x/y", wrong).has_value());
}

TEST(RegistryClient, TlsWithCustomCa) {
  RegistryProcess registry(RegistryAuth::kBasic, /*tls=*/true);
  RegistryClient client(options_for(registry));
  const std::string digest = push_image(client, "tls/model", "layer bytes", "v1");
  EXPECT_EQ(client.head_manifest("tls/model", "v1")->digest, digest);

  RegistryOptions untrusted = options_for(registry);
  untrusted.tls.ca_file.clear();
  RegistryClient no_ca(untrusted);
  try {
    no_ca.head_manifest("tls/model", "v1");
    FAIL() << "expected a TLS failure";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.failure(), TransportFailure::kTls) << e.what();
  }
}

TEST(RegistryClient, UnreachableRegistryIsAConnectFailure) {
  RegistryOptions o;
  o.registry = "127.0.0.1:" + std::to_string(testing::free_port());
  o.plain_http = true;
  RegistryClient client(o);
  try {
    client.head_manifest("a/b", "v1");
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.failure(), TransportFailure::kConnect) << e.what();
  }
}

}  // namespace
}  // namespace kiln::oci
