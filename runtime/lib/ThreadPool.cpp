// ThreadPool.cpp - kiln_parallel_for: the thread pool that compiled graphs split loops on.
//
// One process-wide pool runs one loop at a time. A loop is cut into as many contiguous shares
// as threads take part; the caller runs share 0 and the workers claim the rest. Fixed shares
// keep each thread on the same part of every layer, so what one layer writes is in that
// thread's L2 when the next reads it: claiming ranges from a shared counter balanced the
// threads better but ran ResNet-50 at batch 1 on 2 threads 7% slower. Graph loops are
// short (tens of microseconds to milliseconds) and come in bursts, so workers spin for a while
// before they sleep: a condition-variable wake-up alone costs more than a small loop.
#include "Internal.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// Spinning longer than this between loops puts a worker to sleep.
constexpr auto kSpinTime = std::chrono::microseconds(200);

class ThreadPool {
public:
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();
    for (std::thread &worker : workers)
      worker.join();
  }

  // Runs the loop on up to `threads` threads; false when the pool is busy with another loop.
  bool run(uint32_t threads, int64_t count, kiln_task_fn task, void *data) {
    std::unique_lock<std::mutex> busy(running, std::try_to_lock);
    if (!busy.owns_lock())
      return false;
    ensureWorkers(threads - 1);
    Loop loop{task, data, count, static_cast<int64_t>(threads)};
    {
      std::lock_guard<std::mutex> lock(mutex);
      current = loop;
      nextShare = 1;
      pending.store(threads - 1, std::memory_order_relaxed);
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();
    loop.runShare(0);
    while (pending.load(std::memory_order_acquire) != 0)
      std::this_thread::yield();
    return true;
  }

private:
  void ensureWorkers(uint32_t wanted) {
    while (workers.size() < wanted)
      workers.emplace_back([this, seen = generation.load()] { workerLoop(seen); });
  }

  void workerLoop(uint64_t seen) {
    for (;;) {
      seen = waitForLoop(seen);
      Loop loop;
      int64_t share;
      {
        // Claiming under the lock that publishes a loop: a worker that saw an older loop
        // late never mixes its fields with the next one's.
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping)
          return;
        if (generation.load(std::memory_order_relaxed) != seen)
          continue;
        // More workers than shares when a loop asks for fewer threads than the pool has.
        if (nextShare >= current.shares)
          continue;
        share = nextShare++;
        loop = current;
      }
      loop.runShare(share);
      pending.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  uint64_t waitForLoop(uint64_t seen) {
    auto deadline = std::chrono::steady_clock::now() + kSpinTime;
    while (std::chrono::steady_clock::now() < deadline) {
      uint64_t now = generation.load(std::memory_order_acquire);
      if (now != seen)
        return now;
    }
    std::unique_lock<std::mutex> lock(mutex);
    wake.wait(lock, [&] { return generation.load(std::memory_order_acquire) != seen; });
    return generation.load(std::memory_order_acquire);
  }

  struct Loop {
    kiln_task_fn task = nullptr;
    void *data = nullptr;
    int64_t total = 0;
    int64_t shares = 0;

    void runShare(int64_t share) const {
      int64_t begin = total * share / shares;
      int64_t end = total * (share + 1) / shares;
      if (begin < end)
        task(data, begin, end);
    }
  };

  std::mutex running; // held by the thread whose loop the pool runs
  std::mutex mutex;   // guards the fields below but `pending`, and sleeping
  std::condition_variable wake;
  std::vector<std::thread> workers;
  std::atomic<uint64_t> generation{0}; // bumped for each loop; read unlocked while spinning
  bool stopping = false;
  Loop current;
  int64_t nextShare = 0;
  std::atomic<uint32_t> pending{0}; // shares claimed or not yet, still to finish
};

ThreadPool &globalPool() {
  static ThreadPool pool;
  return pool;
}

} // namespace

extern "C" void kiln_parallel_for(void *ctxPointer, int64_t count, kiln_task_fn task, void *data) {
  if (count <= 0 || !task)
    return;
  auto *ctx = ctxPointer ? static_cast<kiln_context *>(ctxPointer) : kiln::defaultContext();
  if (ctx->parallel_for) {
    ctx->parallel_for(ctx->parallel_for_user, count, task, data);
    return;
  }
  auto threads = static_cast<uint32_t>(std::min<int64_t>(ctx->num_threads, count));
  if (threads <= 1 || !globalPool().run(threads, count, task, data))
    task(data, 0, count);
}

extern "C" int32_t kiln_spread_chunks(void *ctxPointer, int64_t chunks) {
  if (kiln::profilingOnThisThread())
    return 0;
  auto *ctx = ctxPointer ? static_cast<kiln_context *>(ctxPointer) : kiln::defaultContext();
  int64_t threads = ctx->num_threads;
  if (threads <= 1 || chunks < threads)
    return 0;
  // A last round that leaves threads idle costs less than sharing each chunk's loops only when
  // there are enough rounds before it.
  return chunks % threads == 0 || chunks >= 4 * threads;
}
