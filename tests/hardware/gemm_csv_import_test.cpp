#include "models/hardware/gemm_csv_import.hpp"

#include <gtest/gtest.h>

#include "sim/core/error.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

TEST(GemmCsvImport, ReadsColumnsInAnyOrderAndSkipsComments) {
  const auto points = parse_gemm_csv("# H100, cuBLAS\ndtype,m,n,k,time_s\nbf16,4096,4096,4096,0.000195\n"
                                     "fp8, 8192, 8192, 8192, 0.0008\n",
                                     "t.csv");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].dtype, Precision::fp8);
  EXPECT_DOUBLE_EQ(points[1].shape.k, 8192);
  EXPECT_EQ(points[0].origin, "t.csv:3");
}

TEST(GemmCsvImport, ReportsEveryMalformedLineWithItsNumber) {
  const std::string text =
      "m,n,k,dtype,time_s,tflops\n"
      "4096,4096,4096,bf16,0.000195,704.8\n"
      "4096,4096,abc,bf16,0.000195,\n"     // line 3: bad k
      "4096,4096,4096,bf17,0.000195,\n"    // line 4: bad dtype
      "4096,4096,4096,bf16,0.000195,70\n"  // line 5: tflops disagrees (time in ms?)
      "4096,4096\n";                       // line 6: too few cells
  try {
    parse_gemm_csv(text, "gemm.csv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 4u);
    EXPECT_EQ(e.diagnostics()[0].file, "gemm.csv:3");
    EXPECT_EQ(e.diagnostics()[1].file, "gemm.csv:4");
    EXPECT_EQ(e.diagnostics()[2].file, "gemm.csv:5");
    EXPECT_EQ(e.diagnostics()[3].file, "gemm.csv:6");
  }
}

TEST(GemmCsvImport, NamesTheMissingHeaderColumn) {
  try {
    parse_gemm_csv("m,n,k,time_s\n1,2,3,0.1\n", "g.csv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostics().front().message.find("dtype"), std::string::npos);
    EXPECT_EQ(e.diagnostics().front().file, "g.csv:1");
  }
}

}  // namespace
}  // namespace capsim::hw
