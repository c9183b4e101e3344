/* simt.c - runs CUDA kernels on the CPU, one fiber per CUDA thread, so that the numbers of the
 * CUDA path can be checked on machines without a GPU.
 *
 * simt.py rebuilds the kernels of `kilnc --emit=nvvm` for the host: their NVVM intrinsics become
 * calls of the kiln_simt_* functions below, and each kernel gets an entry
 * kiln_simt_kernel_<name>(void **params) that takes cuLaunchKernel's parameter array. The fake
 * driver (test/cuda-emulator/fake_cuda.c, with FAKE_CUDA_KERNELS naming the library
 * built from this file and those kernels) calls kiln_simt_launch for each launch.
 *
 * Blocks run one after the other; the threads of a block are fibers (ucontext) that run until
 * they reach a barrier or a warp-wide operation (shuffle, ldmatrix, mma), which waits for the
 * threads it names, as the hardware does. The warp-wide operations follow the PTX ISA's
 * fragment layouts. What the hardware leaves undefined is an error here and stops the launch:
 * a warp operation whose mask names lanes that exited or are not in the block, a shuffle from a
 * lane outside its mask, threads that wait for each other forever; so is a load or store outside
 * device memory or the shared arrays (simt.py puts a check before each). So is one thing the
 * hardware allows but Kiln's kernels never do: parts of one warp synchronizing at the same
 * time, each with its own mask. Approximate instructions (ex2.approx, rcp.approx) are computed
 * exactly, so results may differ from a GPU's in their last bits. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fenv.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

enum { MAX_THREADS = 1024, WARP = 32, STACK_BYTES = 128 * 1024, GUARD_BYTES = 4096 };

typedef struct Thread {
  ucontext_t context;
  int exited;
} Thread;

/* A block or a warp: how many of its threads wait at its current barrier or warp operation,
 * and a count of the operations done so far, which releases the waiting threads. */
typedef struct Group {
  unsigned arrived;
  unsigned generation;
  int operation;
  uint32_t mask;
  unsigned readers[2]; /* lanes yet to copy the slots of the last generation of each parity */
} Group;

/* What one lane brings to a warp operation. Two generations are kept, by parity: each lane
 * copies the slots of generation g when g completes, and a lane that starts generation g + 2
 * first waits until all of g's lanes have copied them (lanes of one warp may use different
 * masks from one operation to the next, so g + 1 need not have involved them). */
typedef struct Slot {
  uint32_t value[10];
  const unsigned char *address;
} Slot;

enum Operation { SHUFFLE = 1, LDMATRIX_X4, LDMATRIX_X2_TRANS, MMA_F16, MMA_BF16 };

static Thread threads[MAX_THREADS];
static Slot slots[2][MAX_THREADS];
static Group warps[MAX_THREADS / WARP], block;
static unsigned char *stacks;
static ucontext_t scheduler;
static unsigned gridDim[3], blockDim[3], blockIdx[3], numThreads, current, liveThreads;
static void (*kernel)(void **);
static void **kernelParams;
static const char *(*describeAccess)(const void *, size_t);
static int progress, failed;
static char *errorText;
static size_t errorBytes;

__attribute__((format(printf, 1, 2))) static void fail(const char *format, ...) {
  if (failed)
    return;
  failed = 1;
  int used =
      snprintf(errorText, errorBytes, "block (%u,%u,%u): ", blockIdx[0], blockIdx[1], blockIdx[2]);
  va_list args;
  va_start(args, format);
  if (used >= 0 && (size_t)used < errorBytes)
    vsnprintf(errorText + used, errorBytes - used, format, args);
  va_end(args);
}

static void yield(void) { swapcontext(&threads[current].context, &scheduler); }

/* Stops the launch: the thread that found the error is never resumed. */
__attribute__((noreturn)) static void halt(void) {
  for (;;)
    yield();
}

static unsigned laneOf(unsigned thread) { return thread % WARP; }
static unsigned warpOf(unsigned thread) { return thread / WARP; }

static uint32_t liveLanes(unsigned warp) {
  uint32_t lanes = 0;
  for (unsigned lane = 0; lane < WARP; ++lane) {
    unsigned thread = warp * WARP + lane;
    if (thread < numThreads && !threads[thread].exited)
      lanes |= 1u << lane;
  }
  return lanes;
}

static unsigned expectedAt(const Group *group) {
  return group == &block ? liveThreads : (unsigned)__builtin_popcount(group->mask);
}

static void releaseIfComplete(Group *group) {
  if (group->arrived && group->arrived >= expectedAt(group)) {
    group->readers[group->generation & 1] = group->arrived;
    group->arrived = 0;
    ++group->generation;
  }
}

/* Waits until every live thread of `group` has arrived. After a failure the scheduler resumes
 * no thread, so none returns from here with the others missing. */
static void arrive(Group *group) {
  unsigned generation = group->generation;
  progress = 1;
  ++group->arrived;
  releaseIfComplete(group);
  while (group->generation == generation)
    yield();
}

static void runThread(void) {
  kernel(kernelParams);
  threads[current].exited = 1;
  --liveThreads;
  progress = 1;
  releaseIfComplete(&block);
  Group *warp = &warps[warpOf(current)];
  if (warp->arrived && warp->mask >> laneOf(current) & 1)
    fail("thread %u exits while lanes of its warp wait for it at a warp operation", current);
}

static int startThreads(void) {
  if (!stacks) {
    stacks = mmap(NULL, (size_t)MAX_THREADS * STACK_BYTES, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stacks == MAP_FAILED) {
      stacks = NULL;
      fail("cannot map the threads' stacks");
      return 0;
    }
    /* A guard page under each stack: an overflow faults instead of corrupting a neighbour. */
    for (unsigned t = 0; t < MAX_THREADS; ++t)
      mprotect(stacks + (size_t)t * STACK_BYTES, GUARD_BYTES, PROT_NONE);
  }
  memset(warps, 0, sizeof warps);
  memset(&block, 0, sizeof block);
  for (unsigned t = 0; t < numThreads; ++t) {
    Thread *thread = &threads[t];
    thread->exited = 0;
    getcontext(&thread->context);
    thread->context.uc_stack.ss_sp = stacks + (size_t)t * STACK_BYTES + GUARD_BYTES;
    thread->context.uc_stack.ss_size = STACK_BYTES - GUARD_BYTES;
    thread->context.uc_link = &scheduler;
    makecontext(&thread->context, runThread, 0);
  }
  liveThreads = numThreads;
  return 1;
}

/* Round-robin until every thread has exited; a round in which no thread arrives anywhere or
 * exits means they all wait for each other. Each thread runs until it waits, so a value that one
 * thread writes and another reads with no barrier between them is read before it is written
 * whenever the reader comes first: in thread order when the writer's index is higher, in
 * reverse order (KILN_SIMT_ORDER=reverse) when it is lower. */
static void runBlock(int reverse) {
  if (!startThreads())
    return;
  while (liveThreads && !failed) {
    progress = 0;
    for (unsigned i = 0; i < numThreads && !failed; ++i) {
      current = reverse ? numThreads - 1 - i : i;
      if (!threads[current].exited)
        swapcontext(&scheduler, &threads[current].context);
    }
    if (!progress && liveThreads && !failed) {
      fail("deadlock: %u threads wait at barriers or warp operations that the others never "
           "reach",
           liveThreads);
    }
  }
}

/* Runs `entry` on every thread of the grid. `outside` says what is wrong with a global memory
 * access (null when it lies in device memory); the first error stops the launch and is written
 * to `error`. */
int kiln_simt_launch(void (*entry)(void **), const unsigned grid[3], const unsigned blockShape[3],
                     void **params, const char *(*outside)(const void *, size_t), char *error,
                     size_t bytes) {
  unsigned long long count = (unsigned long long)blockShape[0] * blockShape[1] * blockShape[2];
  errorText = error;
  errorBytes = bytes;
  failed = 0;
  if (!count || count > MAX_THREADS) {
    snprintf(error, bytes, "a block of %llu threads", count);
    return 1;
  }
  kernel = entry;
  kernelParams = params;
  describeAccess = outside;
  numThreads = (unsigned)count;
  memcpy(gridDim, grid, sizeof gridDim);
  memcpy(blockDim, blockShape, sizeof blockDim);
  const char *order = getenv("KILN_SIMT_ORDER");
  int reverse = order && strcmp(order, "reverse") == 0;
  for (blockIdx[2] = 0; blockIdx[2] < gridDim[2] && !failed; ++blockIdx[2])
    for (blockIdx[1] = 0; blockIdx[1] < gridDim[1] && !failed; ++blockIdx[1])
      for (blockIdx[0] = 0; blockIdx[0] < gridDim[0] && !failed; ++blockIdx[0])
        runBlock(reverse);
  return failed;
}

/* Whether `address` is in this library: the kernels' module globals (constants), which on a GPU
 * are global memory of the loaded module. */
static int inModuleGlobals(const void *address) {
  Dl_info module, access;
  return dladdr((const void *)kiln_simt_launch, &module) && dladdr(address, &access) &&
         module.dli_fbase == access.dli_fbase;
}

/* Every load and store through a generic pointer (global memory in Kiln's kernels) is checked
 * before it happens; a thread that would touch memory outside device allocations and the
 * module's globals never resumes. */
void kiln_simt_access(const void *address, uint64_t bytes) {
  const char *problem = describeAccess ? describeAccess(address, bytes) : NULL;
  if (!problem || inModuleGlobals(address))
    return;
  fail("thread %u: a %llu-byte access at %p %s", current, (unsigned long long)bytes, address,
       problem);
  halt();
}

/* The module's shared arrays (simt.py defines them beside the kernels). */
typedef struct SharedArray {
  const unsigned char *start;
  uint64_t bytes;
} SharedArray;
extern const SharedArray kiln_simt_shared[] __attribute__((weak));
extern const uint64_t kiln_simt_shared_count __attribute__((weak));

/* Loads and stores through addrspace(3) pointers must stay inside one of the shared arrays:
 * on a GPU, past its end is another array's data or nothing. */
void kiln_simt_shared_access(const unsigned char *address, uint64_t bytes) {
  uint64_t count = &kiln_simt_shared_count ? kiln_simt_shared_count : 0;
  for (uint64_t i = 0; i < count; ++i) {
    const SharedArray *array = &kiln_simt_shared[i];
    if (address >= array->start && address + bytes <= array->start + array->bytes)
      return;
  }
  fail("thread %u: a %llu-byte shared memory access at %p is outside the shared arrays", current,
       (unsigned long long)bytes, (const void *)address);
  halt();
}

/* Special registers: thread and block indices and shapes. */
static unsigned threadIndex(int axis) {
  unsigned x = current % blockDim[0], y = current / blockDim[0] % blockDim[1];
  unsigned z = current / (blockDim[0] * blockDim[1]);
  return axis == 0 ? x : axis == 1 ? y : z;
}
unsigned kiln_simt_tid(int axis) { return threadIndex(axis); }
unsigned kiln_simt_ntid(int axis) { return blockDim[axis]; }
unsigned kiln_simt_ctaid(int axis) { return blockIdx[axis]; }
unsigned kiln_simt_nctaid(int axis) { return gridDim[axis]; }

void kiln_simt_barrier(void) { arrive(&block); }

/* Puts this lane's slot into the warp's current operation, waits for the warp and copies the
 * slots of that generation into `lanes`. */
static void warpOperation(int operation, uint32_t mask, const Slot *mine, Slot lanes[WARP]) {
  Group *warp = &warps[warpOf(current)];
  if (!(mask >> laneOf(current) & 1)) {
    fail("thread %u: a warp operation with a mask (0x%08x) that leaves out its own lane", current,
         mask);
    halt();
  }
  uint32_t absent = mask & ~liveLanes(warpOf(current));
  if (absent) {
    fail("thread %u: a warp operation's mask 0x%08x names lanes that exited or are not in the "
         "block (0x%08x)",
         current, mask, absent);
    halt();
  }
  unsigned parity = warp->generation & 1;
  while (warp->readers[parity])
    yield();
  if (warp->arrived && (warp->operation != operation || warp->mask != mask)) {
    fail("thread %u: lanes of warp %u meet at different warp operations or masks", current,
         warpOf(current));
    halt();
  }
  warp->operation = operation;
  warp->mask = mask;
  slots[parity][current] = *mine;
  arrive(warp);
  memcpy(lanes, slots[parity] + warpOf(current) * WARP, WARP * sizeof *lanes);
  --warp->readers[parity];
}

/* shfl.sync.bfly: the value of lane (lane ^ laneMask), or the lane's own when that is past the
 * clamp (PTX ISA, shfl.sync). */
uint32_t kiln_simt_shfl_bfly(uint32_t mask, uint32_t value, uint32_t laneMask, uint32_t clamp,
                             uint8_t *inRange) {
  Slot mine = {.value = {value}}, lanes[WARP];
  warpOperation(SHUFFLE, mask, &mine, lanes);
  unsigned lane = laneOf(current), segment = clamp >> 8 & 31;
  unsigned maxLane = (lane & segment) | (clamp & 31 & ~segment);
  unsigned source = lane ^ (laneMask & 31);
  *inRange = source <= maxLane;
  if (!*inRange)
    source = lane;
  if (!(mask >> source & 1)) {
    fail("thread %u: shfl.sync.bfly reads lane %u, which is not in the mask 0x%08x", current,
         source, mask);
    halt();
  }
  return lanes[source].value[0];
}

/* ldmatrix .m8n8 .b16: lanes 8i..8i+7 give the rows of matrix i; lane l receives, of each
 * matrix, the pair of elements at row l/4, columns 2(l%4) and 2(l%4)+1 (transposed: at rows
 * 2(l%4), 2(l%4)+1 of column l/4). */
static uint16_t matrixElement(const Slot *lanes, unsigned matrix, unsigned row, unsigned column) {
  uint16_t element;
  memcpy(&element, lanes[matrix * 8 + row].address + 2 * column, sizeof element);
  return element;
}

void kiln_simt_ldmatrix_x4(uint32_t out[4], const unsigned char *rowAddress) {
  Slot mine = {.address = rowAddress}, lanes[WARP];
  kiln_simt_shared_access(rowAddress, 16);
  warpOperation(LDMATRIX_X4, 0xffffffffu, &mine, lanes);
  unsigned lane = laneOf(current);
  for (unsigned m = 0; m < 4; ++m)
    out[m] = matrixElement(lanes, m, lane / 4, 2 * (lane % 4)) |
             (uint32_t)matrixElement(lanes, m, lane / 4, 2 * (lane % 4) + 1) << 16;
}

void kiln_simt_ldmatrix_x2_trans(uint32_t out[2], const unsigned char *rowAddress) {
  Slot mine = {.address = rowAddress}, lanes[WARP];
  if (laneOf(current) < 16) /* .x2 reads the addresses of lanes 0-15 only */
    kiln_simt_shared_access(rowAddress, 16);
  warpOperation(LDMATRIX_X2_TRANS, 0xffffffffu, &mine, lanes);
  unsigned lane = laneOf(current);
  for (unsigned m = 0; m < 2; ++m)
    out[m] = matrixElement(lanes, m, 2 * (lane % 4), lane / 4) |
             (uint32_t)matrixElement(lanes, m, 2 * (lane % 4) + 1, lane / 4) << 16;
}

static float fromHalf(uint16_t bits) {
  unsigned exponent = bits >> 10 & 31, mantissa = bits & 1023;
  float magnitude = exponent == 31  ? (mantissa ? NAN : INFINITY)
                    : exponent == 0 ? ldexpf((float)mantissa, -24)
                                    : ldexpf((float)(mantissa | 1024), (int)exponent - 25);
  return bits >> 15 ? -magnitude : magnitude;
}

static float fromBFloat(uint16_t bits) {
  uint32_t wide = (uint32_t)bits << 16;
  float value;
  memcpy(&value, &wide, sizeof value);
  return value;
}

/* mma.sync.m16n8k16.row.col with f32 accumulators. Lane l holds, with g = l/4 and t = l%4:
 * of A (16x16), a0..a7 at rows g (a0,a1,a4,a5) and g+8, columns 2t, 2t+1 (a0..a3) and 2t+8,
 * 2t+9; of B (16x8), b0..b3 at rows 2t, 2t+1, 2t+8, 2t+9 of column g; of C and D (16x8),
 * c0..c3 at rows g (c0, c1) and g+8, columns 2t and 2t+1. */
static void mma(int operation, float d[4], const uint32_t a[4], const uint32_t b[2],
                const float c[4]) {
  Slot mine, lanes[WARP];
  memcpy(mine.value, a, 4 * sizeof *a);
  memcpy(mine.value + 4, b, 2 * sizeof *b);
  memcpy(mine.value + 6, c, 4 * sizeof *c);
  warpOperation(operation, 0xffffffffu, &mine, lanes);
  float (*convert)(uint16_t) = operation == MMA_F16 ? fromHalf : fromBFloat;
  unsigned g = laneOf(current) / 4, t = laneOf(current) % 4;
  for (unsigned i = 0; i < 4; ++i) {
    unsigned row = g + 8 * (i / 2), column = 2 * t + i % 2;
    double sum = 0;
    for (unsigned k = 0; k < 16; ++k) {
      const Slot *aLane = &lanes[(row % 8) * 4 + (k % 8) / 2];
      uint32_t aPair = aLane->value[row / 8 + 2 * (k / 8)];
      const Slot *bLane = &lanes[column * 4 + (k % 8) / 2];
      uint32_t bPair = bLane->value[4 + k / 8];
      sum += (double)convert((uint16_t)(aPair >> 16 * (k % 2))) *
             convert((uint16_t)(bPair >> 16 * (k % 2)));
    }
    d[i] = (float)(sum + c[i]);
  }
}

void kiln_simt_mma_f16(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4]) {
  mma(MMA_F16, d, a, b, c);
}

void kiln_simt_mma_bf16(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4]) {
  mma(MMA_BF16, d, a, b, c);
}

/* Arithmetic with a rounding mode or an approximation that C has no operator for. */
static float flushSubnormal(float x) { return fpclassify(x) == FP_SUBNORMAL ? copysignf(0, x) : x; }

float kiln_simt_ex2_approx_ftz(float x) { return flushSubnormal(exp2f(flushSubnormal(x))); }

static double flushSubnormalDouble(double x) {
  return fpclassify(x) == FP_SUBNORMAL ? copysign(0, x) : x;
}

double kiln_simt_rcp_approx_ftz(double x) {
  return flushSubnormalDouble(1.0 / flushSubnormalDouble(x));
}

float kiln_simt_rcp_approx_ftz_f32(float x) { return flushSubnormal(1.0f / flushSubnormal(x)); }

float kiln_simt_fma_rm(float a, float b, float c) {
  int mode = fegetround();
  fesetround(FE_DOWNWARD);
  float result = fmaf(a, b, c);
  fesetround(mode);
  return result;
}

float kiln_simt_div_approx_ftz(float x, float y) {
  return flushSubnormal(flushSubnormal(x) / flushSubnormal(y));
}

double kiln_simt_rsqrt_approx_ftz(double x) {
  return flushSubnormalDouble(1.0 / sqrt(flushSubnormalDouble(x)));
}

float kiln_simt_rsqrt_approx_ftz_f32(float x) {
  return flushSubnormal(1.0f / sqrtf(flushSubnormal(x)));
}

float kiln_simt_add_rz(float a, float b) {
  /* Volatile so that the addition happens between the two fesetround calls, which the
   * compiler may otherwise move it across (this file is not built with -frounding-math). */
  volatile float x = a, y = b;
  int mode = fegetround();
  fesetround(FE_TOWARDZERO);
  volatile float result = x + y;
  fesetround(mode);
  return result;
}

float kiln_simt_saturate(float x) { return x > 1.0f ? 1.0f : x >= 0.0f ? x : 0.0f; }
