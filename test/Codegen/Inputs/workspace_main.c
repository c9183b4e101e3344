/* Calls a graph with intermediates three ways: a NULL context (the module's per-thread arena),
 * a context whose workspace function supplies a caller-owned buffer of the header's size (and
 * whose profile_mark records the kernels the graph reports), and one whose workspace function
 * has no memory. */
#include "kiln/abi.h"
#include "w.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 24 };

struct app_context {
  kiln_context_abi abi; /* first, as generated code reads it */
  void *buffer;
  uint64_t requested;
  int calls;
  int marks;
  uint32_t kernels[8];
};

static void record_mark(void *ctx, uint32_t kernel) {
  struct app_context *app = (struct app_context *)ctx;
  if (app->marks < 8)
    app->kernels[app->marks] = kernel;
  app->marks++;
}

static void serial_for(void *ctx, int64_t count, kiln_task_fn task, void *data) {
  (void)ctx;
  task(data, 0, count);
}

static void *app_workspace(void *ctx, uint64_t bytes) {
  struct app_context *app = (struct app_context *)ctx;
  app->requested = bytes;
  app->calls++;
  return app->buffer;
}

static void *no_workspace(void *ctx, uint64_t bytes) {
  (void)ctx;
  (void)bytes;
  return NULL;
}

/* relu(x w) + 1 in double. */
static int check(const float *x, const float *w, const float *y, const char *how) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      double acc = 0;
      for (int k = 0; k < N; ++k)
        acc += (double)x[i * N + k] * w[k * N + j];
      double want = (acc > 0 ? acc : 0) + 1;
      if (fabs(y[i * N + j] - want) > 1e-4 * (1 + fabs(want))) {
        printf("%s: y[%d][%d] = %g, want %g\n", how, i, j, y[i * N + j], want);
        return 1;
      }
    }
  return 0;
}

int main(void) {
  static float x[N * N], w[N * N], y[N * N];
  for (int i = 0; i < N * N; ++i) {
    x[i] = (float)((i * 37) % 11) - 5.0f;
    w[i] = (float)((i * 13) % 7) * 0.25f - 0.75f;
  }
  for (int call = 0; call < 2; ++call)
    if (graph(NULL, x, w, y) != 0 || check(x, w, y, "NULL context"))
      return 1;

  struct app_context app = {{serial_for, app_workspace, record_mark}, NULL, 0, 0, 0, {0}};
  app.buffer = aligned_alloc(64, KILN_W_WORKSPACE_SIZE);
  for (int i = 0; i < N * N; ++i)
    y[i] = -1.0f;
  if (graph((struct kiln_context *)&app, x, w, y) != 0 || check(x, w, y, "app context"))
    return 1;
  printf("app workspace: %d call(s), %llu bytes requested, header says %llu\n", app.calls,
         (unsigned long long)app.requested, (unsigned long long)KILN_W_WORKSPACE_SIZE);
  printf("kernels started:");
  for (int i = 0; i < app.marks && i < 8; ++i)
    printf(" %u", (unsigned)app.kernels[i]);
  printf("\n");

  struct app_context empty = {{serial_for, no_workspace, NULL}, NULL, 0, 0, 0, {0}};
  printf("without memory: status %d\n", (int)graph((struct kiln_context *)&empty, x, w, y));
  free(app.buffer);
  return 0;
}
