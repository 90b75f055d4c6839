#include "operator/oci/docker_config.hpp"

#include <gtest/gtest.h>

namespace kiln::oci {
namespace {

TEST(DockerConfig, AuthField) {
  auto c = DockerConfig::parse(R"({"auths":{"127.0.0.1:5000":{"auth":")" +
                               base64_encode("kiln:p@ss:word") + R"("}}})");
  auto cred = c.find("127.0.0.1:5000");
  ASSERT_TRUE(cred.has_value());
  EXPECT_EQ(cred->username, "kiln");
  EXPECT_EQ(cred->password, "p@ss:word");  // only the first colon separates
  EXPECT_FALSE(c.find("127.0.0.1:5001").has_value());
}

TEST(DockerConfig, UsernamePasswordAndUrlKeys) {
  auto c = DockerConfig::parse(R"({"auths":{
      "https://Registry.Example.com/v1/":{"username":"u","password":"p"},
      "https://index.docker.io/v1/":{"auth":"YTpi"},
      "reg.io":{"identitytoken":"tok"}}})");
  EXPECT_EQ(c.find("registry.example.com")->username, "u");
  EXPECT_EQ(c.find("registry.example.com")->password, "p");
  EXPECT_EQ(c.find("docker.io")->username, "a");
  EXPECT_EQ(c.find("reg.io")->identity_token, "tok");
}

TEST(DockerConfig, LegacyDockercfgLayout) {
  auto c = DockerConfig::parse(R"({"reg.io:443":{"auth":"dTpw"}})");
  EXPECT_EQ(c.find("reg.io:443")->password, "p");
}

TEST(DockerConfig, BadInputNamesTheEntry) {
  EXPECT_THROW(DockerConfig::parse("not json"), InvalidDockerConfig);
  EXPECT_THROW(DockerConfig::parse("[]"), InvalidDockerConfig);
  EXPECT_THROW(DockerConfig::parse(R"({"auths":[]})"), InvalidDockerConfig);
  try {
    DockerConfig::parse(R"({"auths":{"reg.io":{"auth":"bm9jb2xvbg=="}}})");  // "nocolon"
    FAIL();
  } catch (const InvalidDockerConfig& e) {
    EXPECT_NE(std::string(e.what()).find("reg.io"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DockerConfig::parse(R"({"auths":{"reg.io":{"auth":"!!!"}}})"), InvalidDockerConfig);
  EXPECT_THROW(DockerConfig::load("/nonexistent/config.json"), InvalidDockerConfig);
}

TEST(Base64, RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "user:password"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("kiln:kiln-secret"), "a2lsbjpraWxuLXNlY3JldA==");
}

TEST(DockerConfig, NormalizeKey) {
  EXPECT_EQ(normalize_registry_key("http://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
  EXPECT_EQ(normalize_registry_key("reg.io"), "reg.io");
}

}  // namespace
}  // namespace kiln::oci
