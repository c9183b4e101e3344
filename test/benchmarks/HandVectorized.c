/* HandVectorized.c - the references Kiln's generated code is measured against: the loops an
 * engineer would write in C, compiled with -O3 -march=native -ffast-math (see CMakeLists.txt),
 * so that GCC vectorizes them and calls glibc's vector math (libmvec) for expf/tanhf. Each
 * works on a range of rows or elements so that the benchmark can split it across threads.
 */
#include "HandVectorized.h"

#include <immintrin.h>
#include <math.h>

void hv_triad(float *a, const float *b, const float *c, float scalar, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    a[i] = b[i] + scalar * c[i];
}

void hv_softmax_rows(const float *x, float *y, int64_t cols, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    const float *row = x + r * cols;
    float *out = y + r * cols;
    float max = row[0];
    for (int64_t c = 1; c < cols; ++c)
      max = row[c] > max ? row[c] : max;
    float sum = 0.0f;
    for (int64_t c = 0; c < cols; ++c) {
      out[c] = expf(row[c] - max);
      sum += out[c];
    }
    float scale = 1.0f / sum;
    for (int64_t c = 0; c < cols; ++c)
      out[c] *= scale;
  }
}

void hv_layer_norm_rows(const float *x, const float *gamma, const float *beta, float *y,
                        int64_t cols, float epsilon, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    const float *row = x + r * cols;
    float *out = y + r * cols;
    float sum = 0.0f;
    for (int64_t c = 0; c < cols; ++c)
      sum += row[c];
    float mean = sum / (float)cols;
    float squares = 0.0f;
    for (int64_t c = 0; c < cols; ++c)
      squares += (row[c] - mean) * (row[c] - mean);
    float rstd = 1.0f / sqrtf(squares / (float)cols + epsilon);
    for (int64_t c = 0; c < cols; ++c)
      out[c] = (row[c] - mean) * rstd * gamma[c] + beta[c];
  }
}

void hv_bias_gelu_tanh_rows(float *y, const float *bias, int64_t cols, int64_t begin, int64_t end) {
  const float k = 0.7978845608028654f; /* sqrt(2 / pi) */
  for (int64_t r = begin; r < end; ++r) {
    float *row = y + r * cols;
    for (int64_t c = 0; c < cols; ++c) {
      float v = row[c] + bias[c];
      row[c] = 0.5f * v * (1.0f + tanhf(k * (v + 0.044715f * v * v * v)));
    }
  }
}

void hv_chain(const float *a, const float *b, float *y, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    float v = (a[i] * b[i] + a[i]) * 0.5f - b[i];
    y[i] = (v > 0.0f ? v : 0.0f) + b[i];
  }
}

/* Independent FMA chains, enough to cover the FMA latency on two ports: the machine's peak.
 * Each chain runs through the addend, as a GEMM accumulator does; cores such as AMD Zen 5
 * sustain only half the rate when the chain runs through a multiplicand. */
double hv_fma_peak_flops_per_iteration(void) {
#if defined(__AVX512F__)
  return 24.0 * 16 * 2;
#else
  return 12.0 * 8 * 2;
#endif
}

float hv_fma_peak(int64_t iterations) {
#if defined(__AVX512F__)
  typedef __m512 vec;
#define KILN_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define KILN_SET1(x) _mm512_set1_ps(x)
#define KILN_CHAINS 24
#else
  typedef __m256 vec;
#define KILN_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define KILN_SET1(x) _mm256_set1_ps(x)
#define KILN_CHAINS 12
#endif
  /* Fully unrolled so that the accumulators live in registers, not in the array. */
  vec acc[KILN_CHAINS];
#pragma GCC unroll 32
  for (int i = 0; i < KILN_CHAINS; ++i)
    acc[i] = KILN_SET1((float)i);
  vec m = KILN_SET1(1e-7f), a = KILN_SET1(1e-7f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < KILN_CHAINS; ++i)
      acc[i] = KILN_FMA(m, a, acc[i]);
  }
  float sum = 0.0f;
  for (int i = 0; i < KILN_CHAINS; ++i) {
    float lanes[16];
    memcpy(lanes, &acc[i], sizeof(vec));
    sum += lanes[0];
  }
  return sum;
}
