// RuntimeHelpersTest.cpp - status strings, dtype helpers, type formatting and contexts.
#include "kiln/runtime.h"

#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <string>

namespace {

TEST(StatusTest, EveryStatusHasItsOwnDescription) {
  std::set<std::string> seen;
  for (int status = KILN_OK; status <= KILN_ERROR_OUT_OF_MEMORY; ++status) {
    std::string text = kiln_status_string(static_cast<kiln_status>(status));
    EXPECT_NE(text, "unknown status") << status;
    EXPECT_TRUE(seen.insert(text).second) << text;
  }
  EXPECT_STREQ(kiln_status_string(KILN_OK), "ok");
  EXPECT_STREQ(kiln_status_string(static_cast<kiln_status>(999)), "unknown status");
}

TEST(DtypeTest, NamesAndSizes) {
  struct Case {
    uint32_t dtype;
    const char *name;
    size_t size;
  } cases[] = {
      {KILN_DTYPE_F32, "f32", 4},   {KILN_DTYPE_F64, "f64", 8}, {KILN_DTYPE_F16, "f16", 2},
      {KILN_DTYPE_BF16, "bf16", 2}, {KILN_DTYPE_BOOL, "i1", 1}, {KILN_DTYPE_I8, "i8", 1},
      {KILN_DTYPE_I16, "i16", 2},   {KILN_DTYPE_I32, "i32", 4}, {KILN_DTYPE_I64, "i64", 8},
      {KILN_DTYPE_U8, "u8", 1},     {KILN_DTYPE_U16, "u16", 2}, {KILN_DTYPE_U32, "u32", 4}};
  for (const Case &c : cases) {
    EXPECT_STREQ(kiln_dtype_name(c.dtype), c.name);
    EXPECT_EQ(kiln_dtype_size(c.dtype), c.size) << c.name;
  }
  EXPECT_STREQ(kiln_dtype_name(0), "unknown");
  EXPECT_EQ(kiln_dtype_size(0), 0u);
  EXPECT_EQ(kiln_dtype_size(13), 0u);
}

TEST(FormatTypeTest, Spellings) {
  const int64_t shape[] = {33, 5};
  char text[64];
  EXPECT_EQ(kiln_format_type(text, sizeof text, KILN_DTYPE_F32, 2, shape), 9u);
  EXPECT_STREQ(text, "f32[33x5]");
  kiln_format_type(text, sizeof text, KILN_DTYPE_I64, 0, nullptr);
  EXPECT_STREQ(text, "i64[]");
  kiln_format_type(text, sizeof text, KILN_DTYPE_BOOL, 1, shape);
  EXPECT_STREQ(text, "i1[33]");
  kiln_format_type(text, sizeof text, 42, 1, shape);
  EXPECT_STREQ(text, "unknown(42)[33]");
}

TEST(FormatTypeTest, TruncatesLikeSnprintf) {
  const int64_t shape[] = {33, 5};
  char text[5];
  std::memset(text, 'z', sizeof text);
  EXPECT_EQ(kiln_format_type(text, sizeof text, KILN_DTYPE_F32, 2, shape), 9u);
  EXPECT_STREQ(text, "f32[");
  EXPECT_EQ(kiln_format_type(nullptr, 0, KILN_DTYPE_F32, 2, shape), 9u);
}

TEST(ContextTest, DefaultsToTheOnlineCpus) {
  kiln_context *ctx = nullptr;
  ASSERT_EQ(kiln_context_create(nullptr, &ctx), KILN_OK);
  EXPECT_GE(kiln_context_num_threads(ctx), 1u);
  kiln_context_destroy(ctx);
}

TEST(ContextTest, KeepsTheRequestedThreads) {
  kiln_context_options options = {};
  options.num_threads = 3;
  kiln_context *ctx = nullptr;
  ASSERT_EQ(kiln_context_create(&options, &ctx), KILN_OK);
  EXPECT_EQ(kiln_context_num_threads(ctx), 3u);
  kiln_context_destroy(ctx);
}

TEST(ContextTest, BadArguments) {
  EXPECT_EQ(kiln_context_create(nullptr, nullptr), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_context_create: out_ctx is NULL");
  kiln_context_destroy(nullptr);
  EXPECT_EQ(kiln_context_num_threads(nullptr), 0u);
}

} // namespace
