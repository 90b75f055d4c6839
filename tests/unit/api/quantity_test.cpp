#include "crds/quantity.hpp"

#include <gtest/gtest.h>

namespace {

using kiln::api::parse_quantity;

TEST(Quantity, ParsesKubernetesSuffixes) {
  EXPECT_DOUBLE_EQ(double(*parse_quantity("500m")), 0.5);
  EXPECT_DOUBLE_EQ(double(*parse_quantity("2")), 2.0);
  EXPECT_DOUBLE_EQ(double(*parse_quantity("1Gi")), 1073741824.0);
  EXPECT_DOUBLE_EQ(double(*parse_quantity("1G")), 1e9);
  EXPECT_DOUBLE_EQ(double(*parse_quantity("1.5Ki")), 1536.0);
  EXPECT_DOUBLE_EQ(double(*parse_quantity("1e3")), 1000.0);
  EXPECT_DOUBLE_EQ(double(*parse_quantity("-1")), -1.0);
  EXPECT_GT(*parse_quantity("2Gi"), *parse_quantity("2G"));
}

TEST(Quantity, RejectsNonQuantities) {
  for (const char* bad : {"", "m", "1.2.3", "1Gb", "ten", "1 Gi", "1e", "1ex"}) {
    EXPECT_FALSE(parse_quantity(bad)) << bad;
  }
}

}  // namespace
