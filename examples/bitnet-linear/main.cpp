// Runs the BitNet-style ternary linear layer that kilnc compiled into bitnet_linear.o (from C++:
// the generated header is C and C++ at once) and checks it in three stages against references
// computed here in integers and float64. Exits 1 on failure.
//
//   1. xq, the 8-bit activations quantized inside the graph, against round-half-up of
//      x * 127 / absmax in float64. The graph rounds x * s + 0.5 in f32, so a value within
//      1e-4 of a rounding boundary may land on the neighbouring integer: those (rare) cases
//      are counted and allowed to differ by exactly 1; every other element must match exactly.
//   2. acc, the i8 x i8 -> i32 matmul, against an int64 product of the graph's own xq and w:
//      must match exactly.
//   3. y, the dequantized f32 output, against float64 acc * w_scale * absmax / 127 from the
//      graph's own acc: relative tolerance 1e-6. f32(acc) is exact (|acc| <= 127 * 512 < 2^24);
//      then absmax / 127 and the two products round once each, so y is within 3 roundings
//      (3 * 2^-24 = 1.8e-7) of the reference; 1e-6 leaves a 5x margin.
// Finally the quantization error itself, y against the full-precision layer
// sum_k x[b,k] w[k,n] w_scale[n], must respect its bound: rounding moves each activation by at
// most half a step (absmax / 127 / 2), so |error| <= w_scale[n] * absmax[b] / 254 * sum_k |w[k,n]|.
#include "bitnet_linear.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

constexpr int kBatch = 8, kIn = 512, kOut = 256;
static_assert(KILN_BITNET_LINEAR_BITNET_LINEAR_X_NUMEL == kBatch * kIn, "x shape");
static_assert(KILN_BITNET_LINEAR_BITNET_LINEAR_W_NUMEL == kIn * kOut, "w shape");
static_assert(KILN_BITNET_LINEAR_BITNET_LINEAR_RESULT0_NUMEL == kBatch * kOut, "y shape");

constexpr double kBoundaryWindow = 1e-4; // stage 1: where f32 rounding may pick the neighbour
constexpr double kRtol = 1e-6;           // stage 3

// A 32-bit LCG (Numerical Recipes constants): a value in [0, 1) with 24 random bits.
struct Lcg {
  uint32_t state;
  double next() {
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / 16777216.0;
  }
};

} // namespace

int main() {
  std::vector<float> x(kBatch * kIn), w_scale(kOut), y(kBatch * kOut);
  std::vector<int8_t> w(kIn * kOut), xq(kBatch * kIn);
  std::vector<int32_t> acc(kBatch * kOut);

  Lcg lcg{12345u};
  for (float &v : x) // roughly normal activations: sum of 4 uniforms, centred, in [-2, 2)
    v = static_cast<float>(lcg.next() + lcg.next() + lcg.next() + lcg.next() - 2.0);
  x[1 * kIn + 100] = 40.0f; // token 1 has an outlier: its other activations get coarse steps
  std::fill(x.begin() + 7 * kIn, x.end(), 0.0f); // token 7 is all zeros: y must be 0, not NaN
  for (int8_t &v : w)
    v = static_cast<int8_t>(static_cast<int>(lcg.next() * 3.0) - 1); // -1, 0, 1
  for (float &v : w_scale)
    v = static_cast<float>(0.01 + 0.04 * lcg.next());

  int32_t status =
      bitnet_linear(nullptr, x.data(), w.data(), w_scale.data(), y.data(), xq.data(), acc.data());
  if (status != 0) {
    std::fprintf(stderr, "bitnet_linear failed with status %d\n", static_cast<int>(status));
    return 1;
  }

  bool ok = true;
  std::vector<double> amax(kBatch);
  for (int b = 0; b < kBatch; ++b) {
    float m = 0.0f;
    for (int k = 0; k < kIn; ++k)
      m = std::max(m, std::fabs(x[b * kIn + k]));
    amax[b] = std::max(m, 1e-5f);
  }

  // 1. Quantized activations.
  int boundary = 0, mismatches = 0;
  for (int b = 0; b < kBatch; ++b)
    for (int k = 0; k < kIn; ++k) {
      double v = x[b * kIn + k] * (127.0 / amax[b]) + 0.5;
      double ref = std::min(127.0, std::max(-127.0, std::floor(v)));
      double got = xq[b * kIn + k];
      bool near = std::fabs(v - std::round(v)) < kBoundaryWindow;
      if (got == ref)
        continue;
      if (near && std::fabs(got - ref) == 1.0) {
        ++boundary;
        continue;
      }
      if (mismatches++ < 5)
        std::fprintf(stderr, "FAIL xq[%d][%d] = %d, expected %g\n", b, k,
                     static_cast<int>(xq[b * kIn + k]), ref);
      ok = false;
    }
  std::printf("xq:  %d of %d differ from the reference (%d at a rounding boundary, allowed)\n",
              mismatches + boundary, kBatch * kIn, boundary);

  // 2. Integer accumulators, exactly.
  int acc_bad = 0;
  for (int b = 0; b < kBatch; ++b)
    for (int n = 0; n < kOut; ++n) {
      int64_t sum = 0;
      for (int k = 0; k < kIn; ++k)
        sum += static_cast<int64_t>(xq[b * kIn + k]) * w[k * kOut + n];
      if (sum != acc[b * kOut + n] && acc_bad++ < 5)
        std::fprintf(stderr, "FAIL acc[%d][%d] = %d, expected %lld\n", b, n,
                     static_cast<int>(acc[b * kOut + n]), static_cast<long long>(sum));
    }
  ok &= acc_bad == 0;
  std::printf("acc: %d of %d differ from the exact int64 product\n", acc_bad, kBatch * kOut);

  // 3. Dequantized output, and the quantization error against the full-precision layer.
  double max_rel = 0.0, max_ratio = 0.0, err2 = 0.0, ref2 = 0.0;
  for (int b = 0; b < kBatch; ++b)
    for (int n = 0; n < kOut; ++n) {
      double got = y[b * kOut + n];
      double ref = acc[b * kOut + n] * static_cast<double>(w_scale[n]) * (amax[b] / 127.0);
      double err = std::fabs(got - ref);
      if (!(err <= kRtol * std::fabs(ref))) {
        std::fprintf(stderr, "FAIL y[%d][%d] = %.9g, expected %.9g\n", b, n, got, ref);
        ok = false;
      }
      if (ref != 0.0)
        max_rel = std::max(max_rel, err / std::fabs(ref));

      double full = 0.0, wsum = 0.0;
      for (int k = 0; k < kIn; ++k) {
        full += static_cast<double>(x[b * kIn + k]) * w[k * kOut + n];
        wsum += std::abs(w[k * kOut + n]);
      }
      full *= w_scale[n];
      // The bound, widened by the boundary window and the f32 error of y.
      double bound =
          w_scale[n] * amax[b] / 127.0 * (0.5 + kBoundaryWindow) * wsum + kRtol * std::fabs(ref);
      double qerr = std::fabs(got - full);
      if (!(qerr <= bound)) {
        std::fprintf(stderr,
                     "FAIL y[%d][%d] = %.9g is %.3g from the full-precision %.9g; "
                     "bound %.3g\n",
                     b, n, got, qerr, full, bound);
        ok = false;
      }
      if (bound > 0.0)
        max_ratio = std::max(max_ratio, qerr / bound);
      err2 += (got - full) * (got - full);
      ref2 += full * full;
    }
  std::printf("y:   max rel error %.3e against float64 dequantization (tolerance %.0e)\n", max_rel,
              kRtol);
  std::printf("y:   quantization error vs full precision: relative RMS %.3e, worst %.2f of "
              "its bound\n",
              std::sqrt(err2 / ref2), max_ratio);
  for (int n = 0; n < kOut; ++n)
    if (y[7 * kOut + n] != 0.0f) {
      std::fprintf(stderr, "FAIL y[7][%d] = %.9g for an all-zero token\n", n, y[7 * kOut + n]);
      ok = false;
      break;
    }
  std::puts(ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
