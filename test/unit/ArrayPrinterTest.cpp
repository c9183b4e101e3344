// ArrayPrinterTest.cpp - the numpy-style text of kiln-run --print.
#include "ArrayPrinter.h"

#include "kiln/runtime.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>

namespace kiln::run {
namespace {

template <typename T>
npy::Array arrayOf(uint32_t dtype, std::vector<int64_t> shape, const std::vector<T> &values) {
  npy::Array array;
  std::string error;
  EXPECT_TRUE(array.allocate(dtype, std::move(shape), error)) << error;
  EXPECT_EQ(array.numBytes(), values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(array.data(), values.data(), array.numBytes());
  return array;
}

std::vector<int32_t> iota(int32_t count) {
  std::vector<int32_t> values(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i)
    values[static_cast<size_t>(i)] = i;
  return values;
}

TEST(ArrayPrinterTest, AlignsColumns) {
  EXPECT_EQ(formatArray(arrayOf<int32_t>(KILN_DTYPE_I32, {2, 3}, {1, -20, 3, 400, 5, 6})),
            "[[  1 -20   3]\n"
            " [400   5   6]]");
}

TEST(ArrayPrinterTest, Floats) {
  // Like numpy, whole floats keep their point; unlike numpy, each value picks its own notation.
  EXPECT_EQ(formatArray(arrayOf<float>(KILN_DTYPE_F32, {4}, {1.0f, 0.5f, -2.25f, 1.0f / 3})),
            "[        1.        0.5      -2.25 0.33333334]");
  EXPECT_EQ(formatArray(arrayOf<double>(KILN_DTYPE_F64, {3}, {1e300, -0.0, NAN})),
            "[1e+300    -0.    nan]");
}

TEST(ArrayPrinterTest, HalfAndBfloat16) {
  // f16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), inf
  EXPECT_EQ(
      formatArray(arrayOf<uint16_t>(KILN_DTYPE_F16, {5}, {0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00})),
      "[           1.           -2.        65504. 5.9604645e-08           inf]");
  EXPECT_EQ(formatArray(arrayOf<uint16_t>(KILN_DTYPE_BF16, {2}, {0x3f80, 0xc0a0})), "[ 1. -5.]");
}

TEST(ArrayPrinterTest, BoolsAndSmallInts) {
  EXPECT_EQ(formatArray(arrayOf<uint8_t>(KILN_DTYPE_BOOL, {3}, {1, 0, 1})), "[ True False  True]");
  EXPECT_EQ(formatArray(arrayOf<int8_t>(KILN_DTYPE_I8, {2}, {-128, 127})), "[-128  127]");
  EXPECT_EQ(formatArray(arrayOf<uint8_t>(KILN_DTYPE_U8, {2}, {0, 255})), "[  0 255]");
  EXPECT_EQ(formatArray(arrayOf<uint32_t>(KILN_DTYPE_U32, {}, {4294967295u})), "4294967295");
  EXPECT_EQ(formatArray(arrayOf<int16_t>(KILN_DTYPE_I16, {1}, {-300})), "[-300]");
  EXPECT_EQ(formatArray(arrayOf<int64_t>(KILN_DTYPE_I64, {1}, {INT64_MIN})),
            "[-9223372036854775808]");
}

TEST(ArrayPrinterTest, ScalarAndEmpty) {
  EXPECT_EQ(formatArray(arrayOf<int64_t>(KILN_DTYPE_I64, {}, {42})), "42");
  EXPECT_EQ(formatArray(arrayOf<float>(KILN_DTYPE_F32, {2, 0}, {})), "[]");
}

TEST(ArrayPrinterTest, BlocksOfHigherRank) {
  EXPECT_EQ(formatArray(arrayOf<int32_t>(KILN_DTYPE_I32, {2, 2, 2}, iota(8))), "[[[0 1]\n"
                                                                               "  [2 3]]\n"
                                                                               "\n"
                                                                               " [[4 5]\n"
                                                                               "  [6 7]]]");
}

TEST(ArrayPrinterTest, AbridgesBigArrays) {
  EXPECT_EQ(formatArray(arrayOf<int32_t>(KILN_DTYPE_I32, {2000}, iota(2000))),
            "[   0    1    2 ... 1997 1998 1999]");
  EXPECT_EQ(formatArray(arrayOf<int32_t>(KILN_DTYPE_I32, {100, 20}, iota(2000))),
            "[[   0    1    2 ...   17   18   19]\n"
            " [  20   21   22 ...   37   38   39]\n"
            " [  40   41   42 ...   57   58   59]\n"
            " ...\n"
            " [1940 1941 1942 ... 1957 1958 1959]\n"
            " [1960 1961 1962 ... 1977 1978 1979]\n"
            " [1980 1981 1982 ... 1997 1998 1999]]");
}

TEST(ArrayPrinterTest, SmallArraysAreNotAbridged) {
  std::string text = formatArray(arrayOf<int32_t>(KILN_DTYPE_I32, {1000}, iota(1000)));
  EXPECT_EQ(text.find("..."), std::string::npos);
  EXPECT_NE(text.find(" 500 "), std::string::npos);
}

} // namespace
} // namespace kiln::run
