// GraphCallTest.cpp - calling graphs: results, every validation error, entry failures, counters,
// concurrency and KILN_LOG output.
#include "TestSupport.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace kiln::test {
namespace {

const int64_t shape2x3[] = {2, 3};
const int64_t shape3x2[] = {3, 2};
const int64_t shape2x4[] = {2, 4};
const int64_t shape4[] = {4};

// The 'add' graph of the good fixture with valid buffers, for tests to spoil one thing at a time.
class AddCallTest : public ::testing::Test {
protected:
  void SetUp() override {
    module_ = loadFixture("good");
    ASSERT_NE(module_, nullptr);
    add_ = findGraph(module_.get(), "add");
    ASSERT_NE(add_, nullptr);
    for (int i = 0; i < 6; ++i) {
      a_[i] = static_cast<float>(i);
      b_[i] = 10.0f * static_cast<float>(i);
    }
    inputs_[0] = {a_, KILN_DTYPE_F32, 2, shape2x3};
    inputs_[1] = {b_, KILN_DTYPE_F32, 2, shape2x3};
    outputs_[0] = {sum_, KILN_DTYPE_F32, 2, shape2x3};
  }

  kiln_status call() { return kiln_graph_call(add_, nullptr, inputs_, 2, outputs_, 1); }

  // Calls, expects `status`, and returns the message.
  std::string callFailure(kiln_status status) {
    EXPECT_EQ(call(), status) << kiln_last_error();
    return kiln_last_error();
  }

  ModulePtr module_;
  kiln_graph *add_ = nullptr;
  alignas(64) float a_[6];
  alignas(64) float b_[6];
  alignas(64) float sum_[8] = {};
  kiln_buffer inputs_[2];
  kiln_buffer outputs_[1];
};

TEST_F(AddCallTest, ComputesTheSum) {
  ASSERT_EQ(call(), KILN_OK) << kiln_last_error();
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(sum_[i], 11.0f * static_cast<float>(i)) << "element " << i;
}

TEST_F(AddCallTest, AcceptsAContext) {
  kiln_context *ctx = nullptr;
  ASSERT_EQ(kiln_context_create(nullptr, &ctx), KILN_OK);
  EXPECT_EQ(kiln_graph_call(add_, ctx, inputs_, 2, outputs_, 1), KILN_OK) << kiln_last_error();
  EXPECT_EQ(sum_[5], 55.0f);
  kiln_context_destroy(ctx);
}

TEST_F(AddCallTest, NullGraph) {
  EXPECT_EQ(kiln_graph_call(nullptr, nullptr, inputs_, 2, outputs_, 1),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_graph_call: graph is NULL");
}

TEST_F(AddCallTest, WrongCounts) {
  EXPECT_EQ(kiln_graph_call(add_, nullptr, inputs_, 1, outputs_, 1), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(),
               "graph 'add' takes 2 inputs and 1 output, but the call passes 1 and 1");
  EXPECT_EQ(kiln_graph_call(add_, nullptr, inputs_, 2, outputs_, 0), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_graph_call(add_, nullptr, inputs_, 3, outputs_, 1), KILN_ERROR_INVALID_ARGUMENT);
}

TEST_F(AddCallTest, NullArrays) {
  EXPECT_EQ(kiln_graph_call(add_, nullptr, nullptr, 2, outputs_, 1), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "graph 'add': the inputs array is NULL");
  EXPECT_EQ(kiln_graph_call(add_, nullptr, inputs_, 2, nullptr, 1), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "graph 'add': the outputs array is NULL");
}

TEST_F(AddCallTest, NullData) {
  inputs_[1].data = nullptr;
  EXPECT_EQ(callFailure(KILN_ERROR_INVALID_ARGUMENT), "graph 'add' input 1 'b': data is NULL");
}

TEST_F(AddCallTest, NullOutputData) {
  outputs_[0].data = nullptr;
  EXPECT_EQ(callFailure(KILN_ERROR_INVALID_ARGUMENT), "graph 'add' output 0 'sum': data is NULL");
}

TEST_F(AddCallTest, WrongDtype) {
  inputs_[1].dtype = KILN_DTYPE_F64;
  EXPECT_EQ(callFailure(KILN_ERROR_DTYPE_MISMATCH),
            "graph 'add' input 1 'b': expected f32[2x3], got f64[2x3]");
}

TEST_F(AddCallTest, InvalidDtype) {
  inputs_[0].dtype = 1234;
  EXPECT_EQ(callFailure(KILN_ERROR_DTYPE_MISMATCH),
            "graph 'add' input 0 'a': expected f32[2x3], got unknown(1234)[2x3]");
}

TEST_F(AddCallTest, WrongRank) {
  inputs_[0].rank = 1;
  inputs_[0].shape = shape4;
  EXPECT_EQ(callFailure(KILN_ERROR_SHAPE_MISMATCH),
            "graph 'add' input 0 'a': expected f32[2x3], got f32[4]");
}

TEST_F(AddCallTest, TransposedShape) {
  inputs_[0].shape = shape3x2;
  EXPECT_EQ(callFailure(KILN_ERROR_SHAPE_MISMATCH),
            "graph 'add' input 0 'a': expected f32[2x3], got f32[3x2]");
}

TEST_F(AddCallTest, WrongOutputDim) {
  outputs_[0].shape = shape2x4;
  EXPECT_EQ(callFailure(KILN_ERROR_SHAPE_MISMATCH),
            "graph 'add' output 0 'sum': expected f32[2x3], got f32[2x4]");
}

TEST_F(AddCallTest, NullShape) {
  inputs_[1].shape = nullptr;
  EXPECT_EQ(callFailure(KILN_ERROR_INVALID_ARGUMENT),
            "graph 'add' input 1 'b': rank is 2 but shape is NULL");
}

TEST_F(AddCallTest, AbsurdRank) {
  inputs_[0].rank = 1000;
  inputs_[0].shape = nullptr;
  EXPECT_EQ(callFailure(KILN_ERROR_SHAPE_MISMATCH),
            "graph 'add' input 0 'a': expected f32[2x3], got f32 of rank 1000 without a shape");
}

TEST_F(AddCallTest, MisalignedData) {
  alignas(8) unsigned char bytes[32] = {};
  inputs_[0].data = bytes + 1;
  std::string message = callFailure(KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(message.find("is not aligned to its 4-byte elements"), std::string::npos) << message;
}

TEST_F(AddCallTest, OutputOverlappingAnInput) {
  outputs_[0].data = b_ + 5;
  EXPECT_EQ(callFailure(KILN_ERROR_INVALID_ARGUMENT),
            "graph 'add' output 0 'sum' overlaps input 1 'b': an output may share memory with "
            "no other buffer of the call");
  outputs_[0].data = b_;
  EXPECT_EQ(call(), KILN_ERROR_INVALID_ARGUMENT);
}

TEST_F(AddCallTest, InputsMayShareMemory) {
  inputs_[1].data = a_;
  ASSERT_EQ(call(), KILN_OK) << kiln_last_error();
  EXPECT_EQ(sum_[5], 10.0f);
}

TEST_F(AddCallTest, RejectedCallsRunNothingAndCountNothing) {
  inputs_[1].dtype = KILN_DTYPE_I32;
  EXPECT_EQ(call(), KILN_ERROR_DTYPE_MISMATCH);
  EXPECT_EQ(sum_[1], 0.0f);
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(add_, &stats), KILN_OK);
  EXPECT_EQ(stats.calls, 0u);
}

TEST_F(AddCallTest, Counters) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(call(), KILN_OK) << kiln_last_error();
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(add_, &stats), KILN_OK);
  EXPECT_EQ(stats.calls, 3u);
  EXPECT_EQ(stats.failures, 0u);
  EXPECT_GE(stats.total_ns, stats.last_ns);
  kiln_graph_reset_stats(add_);
  ASSERT_EQ(kiln_graph_get_stats(add_, &stats), KILN_OK);
  EXPECT_EQ(stats.calls, 0u);
  EXPECT_EQ(stats.total_ns, 0u);
  EXPECT_EQ(stats.last_ns, 0u);
}

TEST_F(AddCallTest, CountersArePerGraph) {
  ASSERT_EQ(call(), KILN_OK);
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(findGraph(module_.get(), "total"), &stats), KILN_OK);
  EXPECT_EQ(stats.calls, 0u);
}

TEST_F(AddCallTest, StatsBadArguments) {
  kiln_graph_stats stats;
  EXPECT_EQ(kiln_graph_get_stats(nullptr, &stats), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_graph_get_stats(add_, nullptr), KILN_ERROR_INVALID_ARGUMENT);
  kiln_graph_reset_stats(nullptr);
}

TEST_F(AddCallTest, ConcurrentCalls) {
  constexpr int threads = 4, callsPerThread = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      alignas(64) float sum[6];
      kiln_buffer out = {sum, KILN_DTYPE_F32, 2, shape2x3};
      for (int i = 0; i < callsPerThread; ++i)
        if (kiln_graph_call(add_, nullptr, inputs_, 2, &out, 1) != KILN_OK || sum[2] != 22.0f)
          ++wrong;
    });
  for (std::thread &worker : workers)
    worker.join();
  EXPECT_EQ(wrong.load(), 0);
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(add_, &stats), KILN_OK);
  EXPECT_EQ(stats.calls, static_cast<uint64_t>(threads * callsPerThread));
}

TEST_F(AddCallTest, LastErrorIsPerThread) {
  inputs_[1].data = nullptr;
  ASSERT_EQ(call(), KILN_ERROR_INVALID_ARGUMENT);
  std::string mine = kiln_last_error();
  std::thread([] {
    EXPECT_STREQ(kiln_last_error(), "");
    kiln_module *module = nullptr;
    EXPECT_EQ(kiln_module_load(nullptr, &module), KILN_ERROR_INVALID_ARGUMENT);
  }).join();
  EXPECT_EQ(kiln_last_error(), mine);
}

TEST(GraphCallTest, EntryFailureIsReported) {
  ModulePtr module = loadFixture("good");
  kiln_graph *fails = findGraph(module.get(), "fails");
  alignas(16) int32_t x[4] = {1, 2, 3, 4}, y[4] = {};
  kiln_buffer in = {x, KILN_DTYPE_I32, 1, shape4}, out = {y, KILN_DTYPE_I32, 1, shape4};
  EXPECT_EQ(kiln_graph_call(fails, nullptr, &in, 1, &out, 1), KILN_ERROR_ENTRY_FAILED);
  EXPECT_STREQ(kiln_last_error(), "graph 'fails' returned error code 7");
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(fails, &stats), KILN_OK);
  EXPECT_EQ(stats.calls, 1u);
  EXPECT_EQ(stats.failures, 1u);
}

TEST(GraphCallTest, ScalarOutput) {
  ModulePtr module = loadFixture("good");
  kiln_graph *total = findGraph(module.get(), "total");
  int64_t x[4] = {1, 20, 300, 4000}, s = 0;
  kiln_buffer in = {x, KILN_DTYPE_I64, 1, shape4}, out = {&s, KILN_DTYPE_I64, 0, nullptr};
  ASSERT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_OK) << kiln_last_error();
  EXPECT_EQ(s, 4321);
}

// The fixture's 'total' reports kernels 0, 1, 0 (fixtures/module.c).
TEST(GraphProfileTest, CountsEachKernelWhileProfilingIsOn) {
  ModulePtr module = loadFixture("good");
  kiln_graph *total = findGraph(module.get(), "total");
  ASSERT_EQ(kiln_graph_num_kernels(total), 2u);
  int64_t x[4] = {1, 20, 300, 4000}, s = 0;
  kiln_buffer in = {x, KILN_DTYPE_I64, 1, shape4}, out = {&s, KILN_DTYPE_I64, 0, nullptr};
  ASSERT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_OK) << kiln_last_error();
  kiln_kernel_stats first, second;
  ASSERT_EQ(kiln_graph_kernel_stats(total, 0, &first), KILN_OK);
  EXPECT_STREQ(first.name, "first half");
  EXPECT_EQ(first.runs, 0u) << "profiling is off by default";

  kiln_graph_set_profiling(total, 1);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_OK) << kiln_last_error();
  EXPECT_EQ(s, 4321);
  ASSERT_EQ(kiln_graph_kernel_stats(total, 0, &first), KILN_OK);
  ASSERT_EQ(kiln_graph_kernel_stats(total, 1, &second), KILN_OK);
  EXPECT_STREQ(second.name, "second quarter");
  EXPECT_EQ(first.runs, 6u);
  EXPECT_EQ(second.runs, 3u);
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(total, &stats), KILN_OK);
  EXPECT_LE(first.total_ns + second.total_ns, stats.total_ns) << "the kernels run inside the calls";

  kiln_graph_set_profiling(total, 0);
  ASSERT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_OK);
  kiln_kernel_stats after;
  ASSERT_EQ(kiln_graph_kernel_stats(total, 1, &after), KILN_OK);
  EXPECT_EQ(after.runs, 3u);
  kiln_graph_reset_stats(total);
  ASSERT_EQ(kiln_graph_kernel_stats(total, 1, &after), KILN_OK);
  EXPECT_EQ(after.runs, 0u);
  EXPECT_EQ(after.total_ns, 0u);
}

TEST(GraphProfileTest, ProfilingIsPerGraph) {
  ModulePtr module = loadFixture("good");
  kiln_graph *total = findGraph(module.get(), "total");
  kiln_graph_set_profiling(findGraph(module.get(), "add"), 1);
  int64_t x[4] = {1, 2, 3, 4}, s = 0;
  kiln_buffer in = {x, KILN_DTYPE_I64, 1, shape4}, out = {&s, KILN_DTYPE_I64, 0, nullptr};
  ASSERT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_OK) << kiln_last_error();
  kiln_kernel_stats first;
  ASSERT_EQ(kiln_graph_kernel_stats(total, 0, &first), KILN_OK);
  EXPECT_EQ(first.runs, 0u);
}

TEST(GraphProfileTest, BadArguments) {
  ModulePtr module = loadFixture("good");
  kiln_graph *total = findGraph(module.get(), "total");
  kiln_kernel_stats stats;
  EXPECT_EQ(kiln_graph_kernel_stats(nullptr, 0, &stats), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_graph_kernel_stats: graph is NULL");
  EXPECT_EQ(kiln_graph_kernel_stats(total, 0, nullptr), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_graph_kernel_stats: out_stats is NULL");
  EXPECT_EQ(kiln_graph_kernel_stats(total, 2, &stats), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "graph 'total' has 2 kernels; there is no kernel 2");
  EXPECT_EQ(kiln_graph_num_kernels(nullptr), 0u);
  EXPECT_EQ(kiln_graph_num_kernels(findGraph(module.get(), "add")), 0u);
  kiln_graph_set_profiling(nullptr, 1);
}

TEST(GraphCallTest, ManyArguments) {
  ModulePtr module = loadFixture("good");
  kiln_graph *wide = findGraph(module.get(), "wide");
  float x[17], s = 0;
  kiln_buffer in[17];
  for (int i = 0; i < 17; ++i) {
    x[i] = static_cast<float>(i);
    in[i] = {&x[i], KILN_DTYPE_F32, 0, nullptr};
  }
  kiln_buffer out = {&s, KILN_DTYPE_F32, 0, nullptr};
  ASSERT_EQ(kiln_graph_call(wide, nullptr, in, 17, &out, 1), KILN_OK) << kiln_last_error();
  EXPECT_EQ(s, 136.0f);
}

TEST(GraphCallTest, ScalarGivenForATensor) {
  ModulePtr module = loadFixture("good");
  kiln_graph *total = findGraph(module.get(), "total");
  int64_t x = 0, s = 0;
  kiln_buffer in = {&x, KILN_DTYPE_I64, 0, nullptr}, out = {&s, KILN_DTYPE_I64, 0, nullptr};
  EXPECT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(kiln_last_error(), "graph 'total' input 0 'x': expected i64[4], got i64[]");
}

// Sets KILN_LOG for the test's duration.
class ScopedLogLevel {
public:
  explicit ScopedLogLevel(const char *level) { setenv("KILN_LOG", level, 1); }
  ~ScopedLogLevel() { unsetenv("KILN_LOG"); }
};

TEST(GraphCallTest, DebugLogShowsLoadsAndCalls) {
  ScopedLogLevel debug("debug");
  ::testing::internal::CaptureStderr();
  {
    ModulePtr module = loadFixture("good");
    kiln_graph *total = findGraph(module.get(), "total");
    int64_t x[4] = {1, 2, 3, 4}, s = 0;
    kiln_buffer in = {x, KILN_DTYPE_I64, 1, shape4}, out = {&s, KILN_DTYPE_I64, 0, nullptr};
    EXPECT_EQ(kiln_graph_call(total, nullptr, &in, 1, &out, 1), KILN_OK);
  }
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(
      log.find("[kiln] loaded '" + fixture("good") +
               "': 4 graphs (add, fails, total, wide), target cpu 'x86-64', cpu features 'sse2'"),
      std::string::npos)
      << log;
  EXPECT_NE(log.find("[kiln] call 'total': "), std::string::npos) << log;
  EXPECT_NE(log.find("[kiln] unloaded '"), std::string::npos) << log;
}

TEST(GraphCallTest, InfoLogShowsFailuresButNotCalls) {
  ScopedLogLevel info("info");
  ::testing::internal::CaptureStderr();
  {
    ModulePtr module = loadFixture("good");
    kiln_graph *total = findGraph(module.get(), "total");
    int64_t s = 0;
    kiln_buffer out = {&s, KILN_DTYPE_I64, 0, nullptr};
    EXPECT_EQ(kiln_graph_call(total, nullptr, &out, 1, &out, 1), KILN_ERROR_SHAPE_MISMATCH);
  }
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("[kiln] loaded"), std::string::npos) << log;
  EXPECT_NE(log.find("[kiln] graph 'total' input 0 'x': expected i64[4], got i64[]"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("[kiln] call"), std::string::npos) << log;
}

TEST(GraphCallTest, LogIsSilentByDefault) {
  unsetenv("KILN_LOG");
  ::testing::internal::CaptureStderr();
  {
    ModulePtr module = loadFixture("good");
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

} // namespace
} // namespace kiln::test
