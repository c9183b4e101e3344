// ThreadPoolTest.cpp - kiln_parallel_for: every iteration runs exactly once, on up to the
// context's threads, through an application's pool when one is given, and inline when the pool
// is busy.
#include "kiln/runtime.h"

#include <atomic>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace {

struct Coverage {
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  explicit Coverage(int64_t n) : hits(n) {}

  static void task(void *data, int64_t begin, int64_t end) {
    auto *self = static_cast<Coverage *>(data);
    for (int64_t i = begin; i < end; ++i)
      self->hits[i].fetch_add(1);
    std::lock_guard<std::mutex> lock(self->mutex);
    self->threads.insert(std::this_thread::get_id());
  }

  bool eachOnce() const {
    for (const auto &h : hits)
      if (h.load() != 1)
        return false;
    return true;
  }
};

kiln_context *makeContext(uint32_t threads, kiln_parallel_for_fn fn = nullptr,
                          void *user = nullptr) {
  kiln_context_options options{};
  options.num_threads = threads;
  options.parallel_for = fn;
  options.parallel_for_user = user;
  kiln_context *ctx = nullptr;
  EXPECT_EQ(kiln_context_create(&options, &ctx), KILN_OK);
  return ctx;
}

TEST(ThreadPoolTest, EveryIterationOnceForManyCounts) {
  for (uint32_t threads : {1u, 2u, 3u, 8u}) {
    kiln_context *ctx = makeContext(threads);
    for (int64_t count : {1, 2, 3, 7, 100, 4097}) {
      Coverage coverage(count);
      kiln_parallel_for(ctx, count, Coverage::task, &coverage);
      EXPECT_TRUE(coverage.eachOnce()) << threads << " threads, " << count << " iterations";
      EXPECT_LE(coverage.threads.size(), std::min<size_t>(threads, count));
    }
    kiln_context_destroy(ctx);
  }
}

TEST(ThreadPoolTest, OneThreadRunsOnTheCaller) {
  kiln_context *ctx = makeContext(1);
  Coverage coverage(1000);
  kiln_parallel_for(ctx, 1000, Coverage::task, &coverage);
  EXPECT_TRUE(coverage.eachOnce());
  ASSERT_EQ(coverage.threads.size(), 1u);
  EXPECT_EQ(*coverage.threads.begin(), std::this_thread::get_id());
  kiln_context_destroy(ctx);
}

TEST(ThreadPoolTest, NullContextAndEmptyLoops) {
  Coverage coverage(513);
  kiln_parallel_for(nullptr, 513, Coverage::task, &coverage);
  EXPECT_TRUE(coverage.eachOnce());
  kiln_parallel_for(nullptr, 0, Coverage::task, &coverage); // nothing to run
  kiln_parallel_for(nullptr, 5, nullptr, &coverage);        // no task: ignored
  EXPECT_TRUE(coverage.eachOnce());
}

TEST(ThreadPoolTest, ApplicationPool) {
  struct Calls {
    int count = 0;
  } calls;
  auto pool = [](void *user, int64_t count, kiln_task_fn task, void *data) {
    ++static_cast<Calls *>(user)->count;
    task(data, 0, count);
  };
  kiln_context *ctx = makeContext(4, pool, &calls);
  Coverage coverage(64);
  kiln_parallel_for(ctx, 64, Coverage::task, &coverage);
  EXPECT_TRUE(coverage.eachOnce());
  EXPECT_EQ(calls.count, 1);
  kiln_context_destroy(ctx);
}

// A task that calls kiln_parallel_for again finds the pool busy and runs the inner loop itself.
TEST(ThreadPoolTest, NestedLoopsRunInline) {
  kiln_context *ctx = makeContext(2);
  struct Outer {
    kiln_context *ctx;
    std::atomic<int> inner{0};
  } outer{ctx};
  auto task = [](void *data, int64_t begin, int64_t end) {
    auto *o = static_cast<Outer *>(data);
    for (int64_t i = begin; i < end; ++i) {
      Coverage coverage(10);
      kiln_parallel_for(o->ctx, 10, Coverage::task, &coverage);
      if (coverage.eachOnce())
        o->inner.fetch_add(1);
    }
  };
  kiln_parallel_for(ctx, 8, task, &outer);
  EXPECT_EQ(outer.inner.load(), 8);
  kiln_context_destroy(ctx);
}

// A split batch's chunks go to separate threads when every thread gets as many, or enough
// rounds make the last one's idle threads cheap; never with one thread or fewer chunks than
// threads.
TEST(ThreadPoolTest, SpreadChunksWhenTheThreadsShareThemEvenly) {
  struct Case {
    uint32_t threads;
    int64_t chunks;
    bool spread;
  };
  for (Case c :
       {Case{1, 8, false}, Case{2, 1, false}, Case{2, 2, true}, Case{2, 3, false}, Case{2, 8, true},
        Case{2, 9, true}, Case{3, 2, false}, Case{3, 8, false}, Case{3, 9, true}, Case{3, 12, true},
        Case{4, 6, false}, Case{4, 16, true}, Case{4, 17, true}}) {
    kiln_context *ctx = makeContext(c.threads);
    EXPECT_EQ(kiln_spread_chunks(ctx, c.chunks) != 0, c.spread)
        << c.threads << " threads, " << c.chunks << " chunks";
    kiln_context_destroy(ctx);
  }
  // An application's pool counts with the threads the context reports.
  kiln_context *ctx = makeContext(
      2, [](void *, int64_t count, kiln_task_fn task, void *data) { task(data, 0, count); });
  EXPECT_NE(kiln_spread_chunks(ctx, 4), 0);
  kiln_context_destroy(ctx);
}

// The context's head is what generated code reads.
TEST(ThreadPoolTest, ContextStartsWithTheAbiHead) {
  kiln_context *ctx = makeContext(2);
  auto *head = reinterpret_cast<const kiln_context_abi *>(ctx);
  EXPECT_EQ(head->parallel_for, &kiln_parallel_for);
  Coverage coverage(100);
  head->parallel_for(ctx, 100, Coverage::task, &coverage);
  EXPECT_TRUE(coverage.eachOnce());
  kiln_context_destroy(ctx);
}

} // namespace
