/* HandVectorized.h - reference loops in C (HandVectorized.c). */
#ifndef KILN_BENCHMARKS_HAND_VECTORIZED_H
#define KILN_BENCHMARKS_HAND_VECTORIZED_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* STREAM triad: a = b + scalar * c over [begin, end). */
void hv_triad(float *a, const float *b, const float *c, float scalar, int64_t begin, int64_t end);
/* Row softmax of rows [begin, end) of a rows x cols matrix. */
void hv_softmax_rows(const float *x, float *y, int64_t cols, int64_t begin, int64_t end);
/* Row layer norm (biased variance) of rows [begin, end). */
void hv_layer_norm_rows(const float *x, const float *gamma, const float *beta, float *y,
                        int64_t cols, float epsilon, int64_t begin, int64_t end);
/* y = gelu_tanh(y + bias) in place, rows [begin, end): the epilogue a BLAS cannot fuse. */
void hv_bias_gelu_tanh_rows(float *y, const float *bias, int64_t cols, int64_t begin, int64_t end);
/* The chain graph of test/benchmarks/graphs/chain.mlir, fused by hand. */
void hv_chain(const float *a, const float *b, float *y, int64_t begin, int64_t end);
/* Runs `iterations` rounds of independent vector FMAs; returns a value to keep them alive. */
float hv_fma_peak(int64_t iterations);
/* Floating-point operations per iteration of hv_fma_peak. */
double hv_fma_peak_flops_per_iteration(void);

#ifdef __cplusplus
}
#endif

#endif
