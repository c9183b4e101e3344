/* Calls a graph whose batch kilnc split into 2 chunks, whose chunks each have a loop large
 * enough to be shared over threads, with an application's pool that counts its loops and how
 * deeply they nest:
 * - a runtime context of 2 threads: the entry spreads the chunks, one loop of 2 iterations,
 *   and each chunk's own loops run inline;
 * - a runtime context of 4 threads: more threads than chunks, so the chunks run in order and
 *   each shares its loops;
 * - an application's own context (a kiln_context_abi head): the chunks run in order;
 * - a NULL context: the runtime's pool.
 * No loop may start inside another: an application's pool never sees nesting. Every result is
 * compared with exp in double. */
#include "kiln/runtime.h"
#include "split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct pool_log {
  int loops;
  int depth;
  int deepest;
  int64_t first_count;
};

static void logging_pool(void *user, int64_t count, kiln_task_fn task, void *data) {
  struct pool_log *log = (struct pool_log *)user;
  if (log->loops++ == 0)
    log->first_count = count;
  if (++log->depth > log->deepest)
    log->deepest = log->depth;
  /* Two shares, in order: what a pool of two threads would run. */
  task(data, 0, count / 2);
  task(data, count / 2, count);
  log->depth--;
}

struct app_context {
  kiln_context_abi abi; /* first, as generated code reads it */
  struct pool_log log;
};

static void app_parallel_for(void *ctx, int64_t count, kiln_task_fn task, void *data) {
  logging_pool(&((struct app_context *)ctx)->log, count, task, data);
}

static float x[KILN_SPLIT_WIDE_X_NUMEL], y[KILN_SPLIT_WIDE_RESULT0_NUMEL];

static int check(const char *how, int32_t status) {
  if (status != 0) {
    printf("%s: status %d\n", how, (int)status);
    return 1;
  }
  for (uint64_t i = 0; i < KILN_SPLIT_WIDE_X_NUMEL; ++i) {
    double want = exp((double)x[i]);
    if (fabs(y[i] - want) > 1e-6 * want) {
      printf("%s: y[%llu] = %g, want %g\n", how, (unsigned long long)i, y[i], want);
      return 1;
    }
    y[i] = 0;
  }
  return 0;
}

static int run_with_pool(uint32_t threads) {
  struct pool_log log = {0, 0, 0, 0};
  kiln_context_options options = {0};
  options.num_threads = threads;
  options.parallel_for = logging_pool;
  options.parallel_for_user = &log;
  kiln_context *ctx = NULL;
  if (kiln_context_create(&options, &ctx) != KILN_OK)
    return 1;
  char how[32];
  snprintf(how, sizeof how, "%u threads", (unsigned)threads);
  int failed = check(how, wide(ctx, x, y));
  kiln_context_destroy(ctx);
  printf("%s: %d loop(s), the first of %lld, nested %d deep\n", how, log.loops,
         (long long)log.first_count, log.deepest);
  return failed;
}

int main(void) {
  for (uint64_t i = 0; i < KILN_SPLIT_WIDE_X_NUMEL; ++i)
    x[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
  if (run_with_pool(2) || run_with_pool(4))
    return 1;
  struct app_context app = {{app_parallel_for, NULL, NULL}, {0, 0, 0, 0}};
  if (check("own context", wide((struct kiln_context *)&app, x, y)))
    return 1;
  printf("own context: %d loop(s), nested %d deep\n", app.log.loops, app.log.deepest);
  return check("NULL context", wide(NULL, x, y));
}
