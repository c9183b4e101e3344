// ConcurrencyTest.cpp - many threads calling a graph that uses the runtime's pool and workspace,
// with shared, per-thread and default contexts: every result bit-identical to a serial call.
// The TSan build of the unit tests (test/sanitizers) runs this to find races in the pool.
#include "TestSupport.h"

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace kiln::test {
namespace {

constexpr int64_t kElements = 4096;
constexpr int kThreads = 8;
constexpr int kCallsPerThread = 200;
// Distinct inputs, so that a result written to the wrong buffer or computed from another call's
// workspace shows.
constexpr int kInputs = 16;

struct ContextDeleter {
  void operator()(kiln_context *ctx) const { kiln_context_destroy(ctx); }
};
using ContextPtr = std::unique_ptr<kiln_context, ContextDeleter>;

ContextPtr makeContext(uint32_t threads) {
  kiln_context_options options = {};
  options.num_threads = threads;
  kiln_context *ctx = nullptr;
  EXPECT_EQ(kiln_context_create(&options, &ctx), KILN_OK) << kiln_last_error();
  return ContextPtr(ctx);
}

kiln_status square(kiln_graph *graph, kiln_context *ctx, std::vector<float> &x,
                   std::vector<float> &y) {
  int64_t shape[] = {kElements};
  kiln_buffer in = {x.data(), KILN_DTYPE_F32, 1, shape};
  kiln_buffer out = {y.data(), KILN_DTYPE_F32, 1, shape};
  return kiln_graph_call(graph, ctx, &in, 1, &out, 1);
}

TEST(ConcurrencyTest, ManyThreadsGetTheSerialResultsBitForBit) {
  ModulePtr module = loadFixture("parallel");
  ASSERT_NE(module, nullptr);
  kiln_graph *graph = findGraph(module.get(), "square");
  ASSERT_NE(graph, nullptr);

  ContextPtr serial = makeContext(1);
  std::vector<std::vector<float>> inputs(kInputs, std::vector<float>(kElements));
  std::vector<std::vector<float>> expected(kInputs, std::vector<float>(kElements));
  for (int k = 0; k < kInputs; ++k) {
    for (int64_t i = 0; i < kElements; ++i)
      inputs[k][i] = static_cast<float>((i * 37 + k * 101) % 997) / 17.0f - 20.0f;
    ASSERT_EQ(square(graph, serial.get(), inputs[k], expected[k]), KILN_OK) << kiln_last_error();
  }

  ContextPtr shared = makeContext(4);
  std::atomic<int> failed{0}, wrong{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&, t] {
      // Threads 0-2 share one context, 3-5 have their own, 6-7 pass NULL (the default pool).
      ContextPtr own = t >= 3 && t < 6 ? makeContext(2) : nullptr;
      kiln_context *ctx = t < 3 ? shared.get() : own.get();
      std::vector<float> x, y(kElements);
      for (int call = 0; call < kCallsPerThread; ++call) {
        int k = (t * 7 + call) % kInputs;
        x = inputs[k];
        if (square(graph, ctx, x, y) != KILN_OK)
          ++failed;
        else if (std::memcmp(y.data(), expected[k].data(), kElements * sizeof(float)) != 0)
          ++wrong;
      }
    });
  for (std::thread &worker : workers)
    worker.join();
  EXPECT_EQ(failed.load(), 0) << kiln_last_error();
  EXPECT_EQ(wrong.load(), 0);
  kiln_graph_stats stats;
  ASSERT_EQ(kiln_graph_get_stats(graph, &stats), KILN_OK);
  EXPECT_EQ(stats.calls, uint64_t(kInputs + kThreads * kCallsPerThread));
}

} // namespace
} // namespace kiln::test
