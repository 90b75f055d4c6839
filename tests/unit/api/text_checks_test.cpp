#include "crds/text_checks.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace kiln::api;

TEST(TextChecks, Names) {
  EXPECT_TRUE(is_dns_label("a"));
  EXPECT_TRUE(is_dns_label("my-model-2"));
  EXPECT_FALSE(is_dns_label(""));
  EXPECT_FALSE(is_dns_label("-a"));
  EXPECT_FALSE(is_dns_label("a-"));
  EXPECT_FALSE(is_dns_label("My"));
  EXPECT_FALSE(is_dns_label("a.b"));
  EXPECT_FALSE(is_dns_label(std::string(64, 'a')));
  EXPECT_TRUE(is_dns_subdomain("a.b-c"));
  EXPECT_FALSE(is_dns_subdomain("a_b"));
  EXPECT_TRUE(is_c_identifier("_A1"));
  EXPECT_FALSE(is_c_identifier("1A"));
  EXPECT_FALSE(is_c_identifier("A-B"));
}

TEST(TextChecks, DigestsAndPaths) {
  EXPECT_TRUE(is_sha256_digest("sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(63, 'a')));
  EXPECT_TRUE(is_repository_path("models/ns/m_1.x"));
  EXPECT_FALSE(is_repository_path("models//m"));
  EXPECT_FALSE(is_repository_path("models/"));
  EXPECT_FALSE(is_repository_path("Models/m"));
  EXPECT_TRUE(is_image_reference_text("registry.example.com:5000/team/base:1.2"));
  EXPECT_TRUE(is_image_reference_text("python:3.11-slim"));
  EXPECT_TRUE(is_image_reference_text("r/x@sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(is_image_reference_text("https://r/x"));
  EXPECT_FALSE(is_image_reference_text("r/x:"));
  EXPECT_FALSE(is_image_reference_text("r//x"));
  EXPECT_FALSE(is_image_reference_text("R/x"));
  EXPECT_TRUE(is_extended_resource_name("amd.com/xilinx_u250_gen3x16"));
  EXPECT_FALSE(is_extended_resource_name("xilinx"));
  EXPECT_FALSE(is_extended_resource_name("a/b/c"));
}

TEST(TextChecks, DockerfileAndMig) {
  EXPECT_TRUE(has_line_starting_with("# base\n  from debian:bookworm\nRUN x", "FROM"));
  EXPECT_FALSE(has_line_starting_with("RUN echo FROM x\n", "FROM"));
  EXPECT_FALSE(has_line_starting_with("FROMdebian", "FROM"));
  EXPECT_FALSE(has_line_starting_with(std::string(100000, ' '), "FROM"));  // long, no crash
  EXPECT_EQ(mig_profile_gigabytes("1g.5gb"), 5);
  EXPECT_EQ(mig_profile_gigabytes("7g.80gb"), 80);
  EXPECT_FALSE(mig_profile_gigabytes("8g.5gb"));
  EXPECT_FALSE(mig_profile_gigabytes("1g.gb"));
  EXPECT_FALSE(mig_profile_gigabytes("big"));
}

}  // namespace
