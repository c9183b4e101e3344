// AbiLayoutTest.cpp - pins the layout of the compiler/runtime interface (kiln/abi.h) and of the
// runtime's caller-visible structs, so that a change without a KILN_ABI_VERSION bump fails here.
#include "kiln/abi.h"
#include "kiln/runtime.h"

#include <cstddef>
#include <cstring>
#include <gtest/gtest.h>
#include <type_traits>

namespace {

constexpr bool isLP64 = sizeof(void *) == 8 && sizeof(long) == 8;

TEST(AbiLayoutTest, VersionMagicAndSymbol) {
  EXPECT_EQ(KILN_ABI_VERSION, 5u);
  uint32_t magic = KILN_MODULE_MAGIC;
  EXPECT_EQ(std::memcmp(&magic, "KILN", 4), 0) << "the magic reads \"KILN\" in memory";
  EXPECT_STREQ(KILN_METADATA_SYMBOL, "kiln_module_metadata");
}

TEST(AbiLayoutTest, DtypeValues) {
  EXPECT_EQ(KILN_DTYPE_F32, 1);
  EXPECT_EQ(KILN_DTYPE_F64, 2);
  EXPECT_EQ(KILN_DTYPE_F16, 3);
  EXPECT_EQ(KILN_DTYPE_BF16, 4);
  EXPECT_EQ(KILN_DTYPE_BOOL, 5);
  EXPECT_EQ(KILN_DTYPE_I8, 6);
  EXPECT_EQ(KILN_DTYPE_I16, 7);
  EXPECT_EQ(KILN_DTYPE_I32, 8);
  EXPECT_EQ(KILN_DTYPE_I64, 9);
  EXPECT_EQ(KILN_DTYPE_U8, 10);
  EXPECT_EQ(KILN_DTYPE_U16, 11);
  EXPECT_EQ(KILN_DTYPE_U32, 12);
}

TEST(AbiLayoutTest, ContextHead) {
  if (!isLP64)
    GTEST_SKIP() << "the documented sizes are for LP64";
  EXPECT_EQ(sizeof(kiln_context_abi), 24u);
  EXPECT_EQ(offsetof(kiln_context_abi, parallel_for), 0u);
  EXPECT_EQ(offsetof(kiln_context_abi, workspace), 8u);
  EXPECT_EQ(offsetof(kiln_context_abi, profile_mark), 16u)
      << "kiln-mark-kernels loads it as the third pointer (MarkKernels.cpp)";
  static_assert(std::is_same_v<kiln_context_profile_mark_fn, void (*)(void *, uint32_t)>);
  static_assert(std::is_same_v<kiln_context_workspace_fn, void *(*)(void *, uint64_t)>);
  EXPECT_EQ(KILN_ENTRY_OUT_OF_MEMORY, static_cast<int>(KILN_ERROR_OUT_OF_MEMORY));
  EXPECT_EQ(KILN_WORKSPACE_ALIGNMENT, 64) << "kiln-plan-workspace assumes 64 (PlanWorkspace.cpp)";
  static_assert(std::is_same_v<decltype(&kiln_parallel_for), kiln_context_parallel_for_fn>,
                "kiln_parallel_for must fit the context's slot");
}

TEST(AbiLayoutTest, ArgInfo) {
  if (!isLP64)
    GTEST_SKIP() << "the documented sizes are for LP64";
  EXPECT_EQ(sizeof(kiln_arg_info), 24u);
  EXPECT_EQ(alignof(kiln_arg_info), 8u);
  EXPECT_EQ(offsetof(kiln_arg_info, name), 0u);
  EXPECT_EQ(offsetof(kiln_arg_info, shape), 8u);
  EXPECT_EQ(offsetof(kiln_arg_info, dtype), 16u);
  EXPECT_EQ(offsetof(kiln_arg_info, rank), 20u);
}

TEST(AbiLayoutTest, GraphInfo) {
  if (!isLP64)
    GTEST_SKIP() << "the documented sizes are for LP64";
  EXPECT_EQ(sizeof(kiln_graph_info), 56u);
  EXPECT_EQ(alignof(kiln_graph_info), 8u);
  EXPECT_EQ(offsetof(kiln_graph_info, name), 0u);
  EXPECT_EQ(offsetof(kiln_graph_info, entry_argv), 8u);
  EXPECT_EQ(offsetof(kiln_graph_info, args), 16u);
  EXPECT_EQ(offsetof(kiln_graph_info, num_inputs), 24u);
  EXPECT_EQ(offsetof(kiln_graph_info, num_outputs), 28u);
  EXPECT_EQ(offsetof(kiln_graph_info, cuda_entry_argv), 32u);
  EXPECT_EQ(offsetof(kiln_graph_info, kernel_names), 40u);
  EXPECT_EQ(offsetof(kiln_graph_info, num_kernels), 48u);
  EXPECT_EQ(offsetof(kiln_graph_info, reserved), 52u);
}

TEST(AbiLayoutTest, CudaImages) {
  if (!isLP64)
    GTEST_SKIP() << "the documented sizes are for LP64";
  EXPECT_EQ(KILN_CUDA_CUBIN, 1);
  EXPECT_EQ(KILN_CUDA_PTX, 2);
  EXPECT_EQ(sizeof(kiln_cuda_image), 24u);
  EXPECT_EQ(offsetof(kiln_cuda_image, sm), 0u);
  EXPECT_EQ(offsetof(kiln_cuda_image, format), 4u);
  EXPECT_EQ(offsetof(kiln_cuda_image, data), 8u);
  EXPECT_EQ(offsetof(kiln_cuda_image, size), 16u);
  EXPECT_EQ(sizeof(kiln_cuda_module), 16u);
  EXPECT_EQ(offsetof(kiln_cuda_module, num_images), 0u);
  EXPECT_EQ(offsetof(kiln_cuda_module, reserved), 4u);
  EXPECT_EQ(offsetof(kiln_cuda_module, images), 8u);
  // The calls that CUDA entries make must fit what kiln-cuda-lower-launches declares.
  static_assert(
      std::is_same_v<decltype(&kiln_cuda_launch),
                     void (*)(void *, void *, const kiln_cuda_module *, const char *, int64_t,
                              int64_t, int64_t, int64_t, int64_t, int64_t, uint32_t, void **)>);
  static_assert(std::is_same_v<decltype(&kiln_cuda_alloc), void *(*)(void *, void *, uint64_t)>);
  static_assert(std::is_same_v<decltype(&kiln_cuda_finish), int32_t (*)(void *, void *)>);
}

TEST(AbiLayoutTest, ModuleMetadata) {
  if (!isLP64)
    GTEST_SKIP() << "the documented sizes are for LP64";
  EXPECT_EQ(sizeof(kiln_module_metadata), 72u);
  EXPECT_EQ(alignof(kiln_module_metadata), 8u);
  EXPECT_EQ(offsetof(kiln_module_metadata, magic), 0u);
  EXPECT_EQ(offsetof(kiln_module_metadata, abi_version), 4u);
  EXPECT_EQ(offsetof(kiln_module_metadata, num_graphs), 8u);
  EXPECT_EQ(offsetof(kiln_module_metadata, reserved), 12u);
  EXPECT_EQ(offsetof(kiln_module_metadata, graphs), 16u);
  EXPECT_EQ(offsetof(kiln_module_metadata, target_cpu), 24u);
  EXPECT_EQ(offsetof(kiln_module_metadata, cpu_features), 32u);
  EXPECT_EQ(offsetof(kiln_module_metadata, workspace_size), 40u);
  EXPECT_EQ(offsetof(kiln_module_metadata, cuda), 48u);
  EXPECT_EQ(offsetof(kiln_module_metadata, cpu_variants), 56u);
  EXPECT_EQ(offsetof(kiln_module_metadata, cpu_variant), 64u);
  static_assert(std::is_same_v<kiln_cpu_variant_fn, const char *(*)(void)>);
}

TEST(AbiLayoutTest, EntrySignature) {
  // The packed entry: int32_t fn(void *ctx, void **args).
  kiln_entry_argv_fn entry = nullptr;
  static_assert(std::is_same_v<decltype(entry(nullptr, nullptr)), int32_t>);
  EXPECT_EQ(sizeof(entry), sizeof(void *));
}

TEST(AbiLayoutTest, RuntimeBuffer) {
  if (!isLP64)
    GTEST_SKIP() << "the documented sizes are for LP64";
  EXPECT_EQ(sizeof(kiln_buffer), 24u);
  EXPECT_EQ(offsetof(kiln_buffer, data), 0u);
  EXPECT_EQ(offsetof(kiln_buffer, dtype), 8u);
  EXPECT_EQ(offsetof(kiln_buffer, rank), 12u);
  EXPECT_EQ(offsetof(kiln_buffer, shape), 16u);
}

TEST(AbiLayoutTest, RuntimeStatsAndOptions) {
  EXPECT_EQ(sizeof(kiln_graph_stats), 72u);
  EXPECT_EQ(offsetof(kiln_graph_stats, calls), 0u);
  EXPECT_EQ(offsetof(kiln_graph_stats, failures), 8u);
  EXPECT_EQ(offsetof(kiln_graph_stats, total_ns), 16u);
  EXPECT_EQ(offsetof(kiln_graph_stats, last_ns), 24u);
  EXPECT_EQ(offsetof(kiln_graph_stats, last_device), 32u);
  EXPECT_EQ(offsetof(kiln_graph_stats, cuda_calls), 40u);
  EXPECT_EQ(offsetof(kiln_graph_stats, kernel_launches), 48u);
  EXPECT_EQ(offsetof(kiln_graph_stats, bytes_copied), 56u);
  EXPECT_EQ(offsetof(kiln_graph_stats, device_ns), 64u);
  EXPECT_EQ(sizeof(kiln_context_options), 24u);
  EXPECT_EQ(offsetof(kiln_context_options, num_threads), 0u);
  EXPECT_EQ(offsetof(kiln_context_options, device), 4u);
  EXPECT_EQ(offsetof(kiln_context_options, parallel_for), 8u);
  EXPECT_EQ(offsetof(kiln_context_options, parallel_for_user), 16u);
  EXPECT_EQ(sizeof(kiln_kernel_stats), 24u);
  EXPECT_EQ(offsetof(kiln_kernel_stats, name), 0u);
  EXPECT_EQ(offsetof(kiln_kernel_stats, runs), 8u);
  EXPECT_EQ(offsetof(kiln_kernel_stats, total_ns), 16u);
}

TEST(AbiLayoutTest, StatusValues) {
  EXPECT_EQ(KILN_OK, 0);
  EXPECT_EQ(KILN_ERROR_INVALID_ARGUMENT, 1);
  EXPECT_EQ(KILN_ERROR_NOT_FOUND, 2);
  EXPECT_EQ(KILN_ERROR_LOAD_FAILED, 3);
  EXPECT_EQ(KILN_ERROR_INVALID_ARTIFACT, 4);
  EXPECT_EQ(KILN_ERROR_ABI_MISMATCH, 5);
  EXPECT_EQ(KILN_ERROR_UNSUPPORTED_CPU, 6);
  EXPECT_EQ(KILN_ERROR_DTYPE_MISMATCH, 7);
  EXPECT_EQ(KILN_ERROR_SHAPE_MISMATCH, 8);
  EXPECT_EQ(KILN_ERROR_ENTRY_FAILED, 9);
  EXPECT_EQ(KILN_ERROR_OUT_OF_MEMORY, 10);
  EXPECT_EQ(KILN_ERROR_DEVICE_UNAVAILABLE, 11);
  EXPECT_EQ(KILN_ERROR_NO_MATCHING_BINARY, 12);
  EXPECT_EQ(KILN_ERROR_DEVICE_FAILED, 13);
  EXPECT_EQ(KILN_DEVICE_CPU, 0);
  EXPECT_EQ(KILN_DEVICE_CUDA, 1);
  EXPECT_EQ(KILN_DEVICE_AUTO, 2);
}

} // namespace
