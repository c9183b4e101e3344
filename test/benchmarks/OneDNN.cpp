// OneDNN.cpp - oneDNN references for kiln-benchmarks (see OneDNN.h).
#include "OneDNN.h"

#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>

namespace kiln::bench {

using dnnl::memory;

struct OneDnnConv::Impl {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::convolution_forward conv;
  memory src, weights, dst;
};

OneDnnConv::OneDnnConv(int h, int w, int c, int k, int kh, int kw, int pad, int groups,
                       const float *hwio)
    : impl(new Impl) {
  using tag = memory::format_tag;
  auto f32 = memory::data_type::f32;
  memory::desc srcDesc({1, c, h, w}, f32, tag::nhwc);
  memory::desc dstDesc({1, k, h, w}, f32, tag::nhwc);
  // Grouped weights are (G, K/G, C/G, KH, KW); Kiln's KH x KW x C/G x K is oneDNN's hwigo.
  memory::dims dims = groups == 1 ? memory::dims{k, c, kh, kw}
                                  : memory::dims{groups, k / groups, c / groups, kh, kw};
  memory::desc anyWeights(dims, f32, tag::any);
  // oneDNN 2.x (Debian 12): an operation descriptor, then the primitive descriptor.
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                       dnnl::algorithm::convolution_direct, srcDesc, anyWeights,
                                       dstDesc, {1, 1}, {pad, pad}, {pad, pad});
  dnnl::convolution_forward::primitive_desc pd(desc, impl->engine);
  impl->conv = dnnl::convolution_forward(pd);
  memory given({dims, f32, groups == 1 ? tag::hwio : tag::hwigo}, impl->engine,
               const_cast<float *>(hwio));
  impl->weights = memory(pd.weights_desc(), impl->engine);
  dnnl::reorder(given, impl->weights).execute(impl->stream, given, impl->weights);
  impl->src = memory(srcDesc, impl->engine, nullptr);
  impl->dst = memory(dstDesc, impl->engine, nullptr);
  impl->stream.wait();
}

OneDnnConv::~OneDnnConv() = default;

void OneDnnConv::run(const float *x, float *y) {
  impl->src.set_data_handle(const_cast<float *>(x));
  impl->dst.set_data_handle(y);
  impl->conv.execute(
      impl->stream,
      {{DNNL_ARG_SRC, impl->src}, {DNNL_ARG_WEIGHTS, impl->weights}, {DNNL_ARG_DST, impl->dst}});
  impl->stream.wait();
}

void oneDnnSgemm(int n, const float *a, const float *b, float *c) {
  if (dnnl_sgemm('N', 'N', n, n, n, 1.0f, a, n, b, n, 0.0f, c, n) != dnnl_success)
    throw std::runtime_error("dnnl_sgemm failed");
}

} // namespace kiln::bench
