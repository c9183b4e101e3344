// OneDNN.h - oneDNN's convolution and SGEMM, the strongest CPU references on this machine, kept
// out of KilnBenchmarks.cpp so that the suite builds without oneDNN (libdnnl-dev).
#ifndef KILN_BENCHMARKS_ONEDNN_H
#define KILN_BENCHMARKS_ONEDNN_H

#include <cstdint>
#include <memory>

namespace kiln::bench {

// A convolution at stride 1 with NHWC input and output and Kiln's HWIO weights (KH x KW x C/G x
// K): kh x kw taps, `pad` zeros on every side, `groups` channel groups (C for a depthwise one).
// oneDNN picks its own weight layout; the weights are reordered into it once, here, as an
// application would do at load time.
class OneDnnConv {
public:
  OneDnnConv(int h, int w, int c, int k, int kh, int kw, int pad, int groups, const float *weights);
  ~OneDnnConv();
  void run(const float *x, float *y);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

// C = A B for row-major n x n matrices (dnnl_sgemm).
void oneDnnSgemm(int n, const float *a, const float *b, float *c);

} // namespace kiln::bench

#endif
