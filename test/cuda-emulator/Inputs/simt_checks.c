/* Kernels written against simt.c's entry points, for what the e2e cases cannot show: that a
 * warp shuffle exchanges values, that threads wait at a barrier, and that what the hardware
 * leaves undefined is an error. Prints one line per check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kiln_simt_launch(void (*)(void **), const unsigned[3], const unsigned[3], void **,
                     const char *(*)(const void *, size_t), char *, size_t);
unsigned kiln_simt_tid(int);
unsigned kiln_simt_ctaid(int);
void kiln_simt_barrier(void);
uint32_t kiln_simt_shfl_bfly(uint32_t, uint32_t, uint32_t, uint32_t, uint8_t *);
void kiln_simt_access(const void *, uint64_t);
void kiln_simt_shared_access(const void *, uint64_t);

/* The "shared memory" of these kernels, declared to simt.c as simt.py declares a module's. */
static unsigned shared[64];
typedef struct SharedArray {
  const void *start;
  uint64_t bytes;
} SharedArray;
const SharedArray kiln_simt_shared[] = {{shared, sizeof shared}};
const uint64_t kiln_simt_shared_count = 1;

/* Each warp sums its lanes' indices with a butterfly; lane 0 writes the sum. */
static void warpSum(void **params) {
  unsigned *out = *(unsigned **)params[0];
  unsigned thread = kiln_simt_tid(0), sum = thread;
  uint8_t inRange;
  for (unsigned offset = 16; offset; offset /= 2)
    sum += kiln_simt_shfl_bfly(0xffffffffu, sum, offset, 31, &inRange);
  if (thread % 32 == 0)
    out[kiln_simt_ctaid(0) * 2 + thread / 32] = sum;
}

/* Thread t writes t, waits, then reads its neighbour's value: right only if every thread
 * wrote before any read. */
static void rotate(void **params) {
  unsigned *out = *(unsigned **)params[0];
  unsigned thread = kiln_simt_tid(0);
  shared[thread] = thread * 10;
  kiln_simt_barrier();
  out[thread] = shared[(thread + 1) % 64];
}

/* Thread t writes t + 1 and reads thread t-1's value with no barrier between: right only when
 * thread t-1 ran first. */
static void racyShift(void **params) {
  unsigned *out = *(unsigned **)params[0];
  unsigned thread = kiln_simt_tid(0);
  shared[thread] = thread + 1;
  out[thread] = shared[(thread + 63) % 64];
}

static unsigned wrongShifts(const unsigned *out) {
  unsigned wrong = 0;
  for (unsigned t = 0; t < 64; ++t)
    wrong += out[t] != (t + 63) % 64 + 1;
  return wrong;
}

/* Lane 0 shuffles while the others wait at the block's barrier. */
static void deadlock(void **params) {
  (void)params;
  uint8_t inRange;
  if (kiln_simt_tid(0) == 0)
    kiln_simt_shfl_bfly(0xffffffffu, 1, 1, 31, &inRange);
  else
    kiln_simt_barrier();
}

/* A 16-thread block shuffles across 16 lanes that do not exist. */
static void missingLane(void **params) {
  (void)params;
  uint8_t inRange;
  kiln_simt_shfl_bfly(0xffffffffu, 1, 16, 31, &inRange);
}

/* Half the warp shuffles with a mask of its half, the other half with the whole warp's. */
static void mixedMasks(void **params) {
  (void)params;
  uint8_t inRange;
  unsigned lane = kiln_simt_tid(0);
  kiln_simt_shfl_bfly(lane < 16 ? 0xffffu : 0xffffffffu, 1, 1, 31, &inRange);
}

/* Lanes 0-30 shuffle with the whole warp while lane 31 exits. */
static void earlyExit(void **params) {
  (void)params;
  uint8_t inRange;
  if (kiln_simt_tid(0) < 31)
    kiln_simt_shfl_bfly(0xffffffffu, 1, 1, 31, &inRange);
}

/* Lanes 0-15 shuffle among themselves but read lane 16. */
static void outsideMask(void **params) {
  (void)params;
  uint8_t inRange;
  if (kiln_simt_tid(0) < 16)
    kiln_simt_shfl_bfly(0xffffu, 1, 16, 31, &inRange);
}

/* Device memory, as the fake driver would describe it: the 64 elements of `out`. */
static unsigned *deviceMemory;
static const char *outsideDeviceMemory(const void *address, size_t bytes) {
  const char *p = address, *base = (const char *)deviceMemory;
  return p >= base && p + bytes <= base + 64 * sizeof *deviceMemory ? NULL : "is outside out";
}

/* Thread t stores to out[t], checked as the rebuilt kernels' stores are; out has 64 elements,
 * and the threads past them must not store. (Memory on the heap: simt.c takes this program's
 * own globals for the kernels' module globals.) */
static void overrun(void **params) {
  unsigned *out = *(unsigned **)params[0];
  unsigned thread = kiln_simt_tid(0);
  kiln_simt_access(&out[thread], sizeof *out);
  out[thread] = 1;
}

/* Thread t writes shared[t], checked as the rebuilt kernels' shared stores are. */
static void sharedOverrun(void **params) {
  (void)params;
  unsigned thread = kiln_simt_tid(0);
  kiln_simt_shared_access(&shared[thread], sizeof *shared);
  shared[thread] = 1;
}

static void launch(const char *name, void (*kernel)(void **), unsigned blocks, unsigned threads,
                   unsigned *out) {
  const unsigned grid[3] = {blocks, 1, 1}, block[3] = {threads, 1, 1};
  void *params[1] = {&out};
  char error[256] = "";
  deviceMemory = out;
  int failed = kiln_simt_launch(kernel, grid, block, params, outsideDeviceMemory, error,
                                sizeof error);
  printf("%s: %s%s\n", name, failed ? "error: " : "ok", error);
}

int main(void) {
  unsigned out[64];
  memset(out, 0, sizeof out);
  launch("warp sum", warpSum, 2, 64, out);
  printf("sums %u %u %u %u\n", out[0], out[1], out[2], out[3]);
  launch("rotate", rotate, 1, 64, out);
  unsigned wrong = 0;
  for (unsigned t = 0; t < 64; ++t)
    wrong += out[t] != (t + 1) % 64 * 10;
  printf("rotate wrong %u\n", wrong);
  memset(shared, 0, sizeof shared);
  launch("racy shift", racyShift, 1, 64, out);
  printf("racy shift wrong %u\n", wrongShifts(out));
  memset(shared, 0, sizeof shared);
  setenv("KILN_SIMT_ORDER", "reverse", 1);
  launch("racy shift in reverse", racyShift, 1, 64, out);
  printf("racy shift in reverse wrong %u\n", wrongShifts(out));
  unsetenv("KILN_SIMT_ORDER");
  launch("deadlock", deadlock, 1, 64, out);
  launch("missing lane", missingLane, 1, 16, out);
  launch("mixed masks", mixedMasks, 1, 32, out);
  launch("early exit", earlyExit, 1, 32, out);
  launch("shuffle outside mask", outsideMask, 1, 32, out);
  unsigned *pastTheEnd = calloc(128, sizeof *pastTheEnd);
  if (!pastTheEnd)
    return 1;
  launch("overrun", overrun, 1, 128, pastTheEnd);
  unsigned stored = 0;
  for (unsigned t = 0; t < 128; ++t)
    stored += pastTheEnd[t];
  printf("stored %u\n", stored);
  free(pastTheEnd);
  launch("shared overrun", sharedOverrun, 1, 128, out);
  launch("after errors", warpSum, 1, 64, out);
  return 0;
}
