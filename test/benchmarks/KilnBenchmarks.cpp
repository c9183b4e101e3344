// KilnBenchmarks.cpp - Kiln's generated code against its references, in one process.
//
// Every case runs Kiln and a reference (OpenBLAS, Eigen, hand-vectorized C, the STREAM triad
// of this run) with Google Benchmark, 5+ repetitions each, and the summary at the end prints
// the ratio of the medians: reference time / Kiln time, so > 1 means Kiln is faster. Each
// Kiln result is checked against its reference before it is timed; a wrong answer fails the
// run instead of being reported fast.
#include "HandVectorized.h"
#ifdef KILN_BENCH_HAVE_ONEDNN
#include "OneDNN.h"
#endif
#include "kiln/runtime.h"

#include "chain.h"
#include "conv2d.h"
#include "imatmul.h"
#include "mlp.h"
#include "rows.h"
#include "sgemm.h"

#include <Eigen/Core>
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

#ifdef KILN_BENCH_HAVE_ONEDNN
using kiln::bench::OneDnnConv;
using kiln::bench::oneDnnSgemm;
#endif

using Clock = std::chrono::steady_clock;
const int kRepetitions = 5;

// ---- shared helpers --------------------------------------------------------------------------

// Every buffer the cases hand to Kiln and to the references starts on a 64-byte cache line,
// as the tensors of onnxruntime, oneDNN and kiln-run do. A malloc'd vector of megabytes starts
// 16 bytes past a page, and a 64-byte vector load from it spans two lines: SGEMM 2048 on two
// threads took 34.7 ms from such buffers against 33.5 ms from aligned ones.
template <typename T> struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}
  T *allocate(size_t n) { return static_cast<T *>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T *p, size_t) { ::operator delete(p, kAlignment); }
  template <typename U> bool operator==(const CacheLineAllocator<U> &) const { return true; }
  template <typename U> bool operator!=(const CacheLineAllocator<U> &) const { return false; }
};
template <typename T> using Buffer = std::vector<T, CacheLineAllocator<T>>;
using Floats = Buffer<float>;

Floats randomFloats(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Floats v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

kiln_context *contextWithThreads(int threads) {
  static std::map<int, kiln_context *> contexts;
  kiln_context *&ctx = contexts[threads];
  if (!ctx) {
    kiln_context_options options{};
    options.num_threads = static_cast<uint32_t>(threads);
    if (kiln_context_create(&options, &ctx) != KILN_OK) {
      std::fprintf(stderr, "kiln_context_create: %s\n", kiln_last_error());
      std::exit(1);
    }
  }
  return ctx;
}

// Splits [0, count) over the runtime's pool, so that the C references get the same threads.
void parallelRows(int threads, int64_t count, const std::function<void(int64_t, int64_t)> &fn) {
  kiln_parallel_for(
      contextWithThreads(threads), count,
      [](void *data, int64_t begin, int64_t end) {
        (*static_cast<const std::function<void(int64_t, int64_t)> *>(data))(begin, end);
      },
      const_cast<void *>(static_cast<const void *>(&fn)));
}

// OpenBLAS and OpenMP workers keep spinning for a while after a multithreaded call; a Kiln
// case that starts then would share the cores with them. Library cases set this flag, and the
// next Kiln case waits for the spinning to end before it is timed.
bool librariesMaySpin = false;

void setLibraryThreads(int threads) {
  openblas_set_num_threads(threads);
  Eigen::setNbThreads(threads);
  omp_set_num_threads(threads); // oneDNN's threads
  librariesMaySpin |= threads > 1;
}

void letLibraryThreadsSettle() {
  if (librariesMaySpin)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  librariesMaySpin = false;
}

bool failed = false;

// Max |got - want| / (atol + rtol * |want|) must stay <= 1.
void expectClose(const char *what, const float *got, const float *want, size_t n, float atol,
                 float rtol) {
  double worst = 0;
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    double err = std::fabs(double(got[i]) - want[i]) / (atol + rtol * std::fabs(want[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (worst > 1.0 || std::isnan(worst)) {
    std::fprintf(stderr, "MISMATCH %s: element %zu is %g, the reference %g\n", what, at,
                 double(got[at]), double(want[at]));
    failed = true;
  }
}

void check(int32_t status, const char *what) {
  if (status != 0) {
    std::fprintf(stderr, "%s returned %d\n", what, status);
    std::exit(1);
  }
}

benchmark::internal::Benchmark *add(const std::string &name,
                                    std::function<void(benchmark::State &)> fn) {
  return benchmark::RegisterBenchmark(name.c_str(), std::move(fn))
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(true)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

// ---- machine limits --------------------------------------------------------------------------

void registerMachine() {
  for (int threads : {1, 2}) {
    add("peak_fp32/t" + std::to_string(threads), [threads](benchmark::State &state) {
      const int64_t iterations = 2'000'000;
      for (auto _ : state) {
        std::vector<std::thread> workers;
        for (int t = 1; t < threads; ++t)
          workers.emplace_back([&] { benchmark::DoNotOptimize(hv_fma_peak(iterations)); });
        benchmark::DoNotOptimize(hv_fma_peak(iterations));
        for (std::thread &w : workers)
          w.join();
      }
      state.counters["GFLOP/s"] = benchmark::Counter(
          hv_fma_peak_flops_per_iteration() * iterations * threads * state.iterations() / 1e9,
          benchmark::Counter::kIsRate);
    });
  }
}

// ---- SGEMM -----------------------------------------------------------------------------------

using SgemmEntry = int32_t (*)(kiln_context *, const float *, const float *, float *);

SgemmEntry sgemmEntry(int n) {
  switch (n) {
  case 256:
    return sgemm_256;
  case 512:
    return sgemm_512;
  case 1024:
    return sgemm_1024;
  default:
    return sgemm_2048;
  }
}

struct SgemmData {
  int n;
  Floats a, b, c;
  explicit SgemmData(int n)
      : n(n), a(randomFloats(size_t(n) * n, -1, 1, 1)), b(randomFloats(size_t(n) * n, -1, 1, 2)),
        c(size_t(n) * n) {}
};

void openblasSgemm(const SgemmData &d, float *c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d.n, d.n, d.n, 1.0f, d.a.data(), d.n,
              d.b.data(), d.n, 0.0f, c, d.n);
}

void registerSgemm() {
  for (int n : {256, 512, 1024, 2048}) {
    auto data = std::make_shared<SgemmData>(n);
    Floats want(size_t(n) * n);
    openblasSgemm(*data, want.data());
    check(sgemmEntry(n)(contextWithThreads(2), data->a.data(), data->b.data(), data->c.data()),
          "sgemm");
    expectClose(("sgemm_" + std::to_string(n)).c_str(), data->c.data(), want.data(), want.size(),
                1e-4f * std::sqrt(float(n)), 1e-5f);
    double flops = 2.0 * n * n * n;
    auto rate = [flops](benchmark::State &state) {
      state.counters["GFLOP/s"] =
          benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
    };
    for (int threads : {1, 2}) {
      std::string name = "sgemm_" + std::to_string(n) + "/t" + std::to_string(threads);
      add(name + "/kiln", [=](benchmark::State &state) {
        letLibraryThreadsSettle();
        kiln_context *ctx = contextWithThreads(threads);
        for (auto _ : state)
          sgemmEntry(n)(ctx, data->a.data(), data->b.data(), data->c.data());
        rate(state);
      });
      add(name + "/openblas", [=](benchmark::State &state) {
        setLibraryThreads(threads);
        for (auto _ : state)
          openblasSgemm(*data, data->c.data());
        rate(state);
      });
#ifdef KILN_BENCH_HAVE_ONEDNN
      add(name + "/onednn", [=](benchmark::State &state) {
        setLibraryThreads(threads);
        for (auto _ : state)
          oneDnnSgemm(n, data->a.data(), data->b.data(), data->c.data());
        rate(state);
      });
#endif
      add(name + "/eigen", [=](benchmark::State &state) {
        setLibraryThreads(threads);
        using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        Eigen::Map<const RowMajor> a(data->a.data(), n, n), b(data->b.data(), n, n);
        Eigen::Map<RowMajor> c(data->c.data(), n, n);
        for (auto _ : state)
          c.noalias() = a * b;
        rate(state);
      });
    }
  }
}

// ---- MLP with epilogues ----------------------------------------------------------------------

struct MlpData {
  static constexpr int batch = 256, width = 1024;
  Floats x, w[3], bias[3], h[3], y;
  MlpData() : x(randomFloats(size_t(batch) * width, -1, 1, 3)), y(size_t(batch) * width) {
    for (int l = 0; l < 3; ++l) {
      // Scaled so that activations stay O(1) through the layers.
      w[l] = randomFloats(size_t(width) * width, -0.05f, 0.05f, 10 + l);
      bias[l] = randomFloats(width, -0.1f, 0.1f, 20 + l);
      h[l].resize(size_t(batch) * width);
    }
  }
  void kiln(kiln_context *ctx) {
    check(mlp(ctx, x.data(), w[0].data(), bias[0].data(), w[1].data(), bias[1].data(), w[2].data(),
              bias[2].data(), y.data()),
          "mlp");
  }
  // OpenBLAS for each product, then a separate bias + gelu pass over its output.
  void reference(int threads) {
    const float *in = x.data();
    for (int l = 0; l < 3; ++l) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, width, width, 1.0f, in, width,
                  w[l].data(), width, 0.0f, h[l].data(), width);
      float *out = h[l].data();
      const float *b = bias[l].data();
      parallelRows(threads, batch, [&](int64_t begin, int64_t end) {
        hv_bias_gelu_tanh_rows(out, b, width, begin, end);
      });
      in = out;
    }
  }
};

void registerMlp() {
  auto data = std::make_shared<MlpData>();
  data->kiln(contextWithThreads(2));
  data->reference(2);
  expectClose("mlp", data->y.data(), data->h[2].data(), data->y.size(), 1e-4f, 1e-3f);
  for (int threads : {1, 2}) {
    std::string name = "mlp_256x1024x3/t" + std::to_string(threads);
    add(name + "/kiln", [=](benchmark::State &state) {
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        data->kiln(ctx);
    });
    add(name + "/openblas+epilogue", [=](benchmark::State &state) {
      setLibraryThreads(threads);
      for (auto _ : state)
        data->reference(threads);
    });
  }
}

// ---- memory-bound kernels --------------------------------------------------------------------

void registerStreaming() {
  const int64_t n = 16 * 1024 * 1024;
  auto a = std::make_shared<Floats>(randomFloats(n, -1, 1, 4));
  auto b = std::make_shared<Floats>(randomFloats(n, -1, 1, 5));
  auto y = std::make_shared<Floats>(n);
  auto want = std::make_shared<Floats>(n);
  hv_chain(a->data(), b->data(), want->data(), 0, n);
  check(chain(contextWithThreads(2), a->data(), b->data(), y->data()), "chain");
  expectClose("chain", y->data(), want->data(), n, 1e-6f, 1e-6f);
  double bytes = 3.0 * 4 * n;
  auto rate = [bytes](benchmark::State &state) {
    state.counters["GB/s"] =
        benchmark::Counter(bytes * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  };
  for (int threads : {1, 2}) {
    std::string t = "/t" + std::to_string(threads);
    add("chain_16M" + t + "/kiln", [=](benchmark::State &state) {
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        chain(ctx, a->data(), b->data(), y->data());
      rate(state);
    });
    add("chain_16M" + t + "/triad", [=](benchmark::State &state) {
      for (auto _ : state)
        parallelRows(threads, n, [&](int64_t begin, int64_t end) {
          hv_triad(y->data(), a->data(), b->data(), 0.5f, begin, end);
        });
      rate(state);
    });
  }
}

void registerRows() {
  const int64_t rows = 4096, cols = 1024;
  auto x = std::make_shared<Floats>(randomFloats(rows * cols, -4, 4, 6));
  auto gamma = std::make_shared<Floats>(randomFloats(cols, 0.5f, 1.5f, 7));
  auto beta = std::make_shared<Floats>(randomFloats(cols, -0.5f, 0.5f, 8));
  auto y = std::make_shared<Floats>(rows * cols);
  Floats want(rows * cols);

  hv_softmax_rows(x->data(), want.data(), cols, 0, rows);
  check(softmax(contextWithThreads(2), x->data(), y->data()), "softmax");
  expectClose("softmax", y->data(), want.data(), want.size(), 1e-8f, 1e-5f);
  hv_layer_norm_rows(x->data(), gamma->data(), beta->data(), want.data(), cols, 1e-5f, 0, rows);
  check(layer_norm(contextWithThreads(2), x->data(), gamma->data(), beta->data(), y->data()),
        "layer_norm");
  expectClose("layer_norm", y->data(), want.data(), want.size(), 1e-5f, 1e-4f);

  double bytes = 2.0 * 4 * rows * cols;
  auto rate = [bytes](benchmark::State &state) {
    state.counters["GB/s"] =
        benchmark::Counter(bytes * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  };
  for (int threads : {1, 2}) {
    std::string t = "/t" + std::to_string(threads);
    add("softmax_4096x1024" + t + "/kiln", [=](benchmark::State &state) {
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        softmax(ctx, x->data(), y->data());
      rate(state);
    });
    add("softmax_4096x1024" + t + "/c", [=](benchmark::State &state) {
      for (auto _ : state)
        parallelRows(threads, rows, [&](int64_t begin, int64_t end) {
          hv_softmax_rows(x->data(), y->data(), cols, begin, end);
        });
      rate(state);
    });
    add("layer_norm_4096x1024" + t + "/kiln", [=](benchmark::State &state) {
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        layer_norm(ctx, x->data(), gamma->data(), beta->data(), y->data());
      rate(state);
    });
    add("layer_norm_4096x1024" + t + "/c", [=](benchmark::State &state) {
      for (auto _ : state)
        parallelRows(threads, rows, [&](int64_t begin, int64_t end) {
          hv_layer_norm_rows(x->data(), gamma->data(), beta->data(), y->data(), cols, 1e-5f, begin,
                             end);
        });
      rate(state);
    });
  }
}

// ---- convolution and integer matmul ----------------------------------------------------------

// One convolution case at stride 1 (graphs/conv2d.mlir): NHWC input, HWIO filter (KH x KW x
// C/G x K), `pad` zeros on each side.
using ConvEntry = int32_t (*)(kiln_context *, const float *, const float *, float *);

struct ConvData {
  std::string name;
  ConvEntry entry;
  int h, w, c, k, kernel, pad, groups;
  Floats x, filter, y, columns;
  ConvData(std::string name, ConvEntry entry, int h, int w, int c, int k, int kernel, int pad,
           int groups)
      : name(std::move(name)), entry(entry), h(h), w(w), c(c), k(k), kernel(kernel), pad(pad),
        groups(groups), x(randomFloats(size_t(h) * w * c, -1, 1, 9)),
        filter(randomFloats(size_t(kernel) * kernel * (c / groups) * k, -1, 1, 10)),
        y(size_t(h) * w * k), columns(groups == 1 ? size_t(h) * w * kernel * kernel * c : 0) {}
  double flops() const { return 2.0 * h * w * k * (c / groups) * kernel * kernel; }
  // The library route without oneDNN: im2col + OpenBLAS (a grouped convolution has none).
  bool hasLibraryRoute() const { return groups == 1; }
  void reference() {
    if (groups == 1)
      im2colGemm();
    else
      depthwiseLoops();
  }

private:
  void im2colGemm() {
    int taps = kernel * kernel;
    for (int oy = 0; oy < h; ++oy)
      for (int ox = 0; ox < w; ++ox) {
        float *col = &columns[(size_t(oy) * w + ox) * taps * c];
        for (int ky = 0; ky < kernel; ++ky)
          for (int kx = 0; kx < kernel; ++kx) {
            int iy = oy + ky - pad, ix = ox + kx - pad;
            float *dst = col + (ky * kernel + kx) * c;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              std::fill(dst, dst + c, 0.0f);
            else
              std::copy_n(&x[(size_t(iy) * w + ix) * c], c, dst);
          }
      }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, h * w, k, taps * c, 1.0f, columns.data(),
                taps * c, filter.data(), k, 0.0f, y.data(), k);
  }
  // One filter per channel (groups = c = k), summed in double.
  void depthwiseLoops() {
    for (int oy = 0; oy < h; ++oy)
      for (int ox = 0; ox < w; ++ox)
        for (int ch = 0; ch < c; ++ch) {
          double sum = 0;
          for (int ky = 0; ky < kernel; ++ky)
            for (int kx = 0; kx < kernel; ++kx) {
              int iy = oy + ky - pad, ix = ox + kx - pad;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                sum += double(x[(size_t(iy) * w + ix) * c + ch]) *
                       filter[(size_t(ky) * kernel + kx) * c + ch];
            }
          y[(size_t(oy) * w + ox) * c + ch] = float(sum);
        }
  }
};

const char *const kConvCases[] = {"conv2d_3x3_56x56x64", "conv2d_1x1_56x56x64x256",
                                  "dwconv2d_3x3_56x56x144"};

void registerConvolution(std::shared_ptr<ConvData> conv) {
  Floats got(conv->y.size());
  check(conv->entry(contextWithThreads(2), conv->x.data(), conv->filter.data(), got.data()),
        conv->name.c_str());
  setLibraryThreads(2);
  conv->reference();
  expectClose(conv->name.c_str(), got.data(), conv->y.data(), got.size(), 1e-3f, 1e-4f);
#ifdef KILN_BENCH_HAVE_ONEDNN
  // A oneDNN primitive keeps the thread count it was created with: one per count.
  std::shared_ptr<OneDnnConv> oneDnn[3];
  auto oneDnnOut = std::make_shared<Floats>(conv->y.size());
  for (int threads : {1, 2}) {
    setLibraryThreads(threads);
    oneDnn[threads] =
        std::make_shared<OneDnnConv>(conv->h, conv->w, conv->c, conv->k, conv->kernel, conv->kernel,
                                     conv->pad, conv->groups, conv->filter.data());
    oneDnn[threads]->run(conv->x.data(), oneDnnOut->data());
    expectClose((conv->name + " (oneDNN)").c_str(), oneDnnOut->data(), conv->y.data(), got.size(),
                1e-3f, 1e-4f);
  }
#endif
  double flops = conv->flops();
  for (int threads : {1, 2}) {
    std::string name = conv->name + "/t" + std::to_string(threads);
    add(name + "/kiln", [=](benchmark::State &state) {
      Floats out(conv->y.size());
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        conv->entry(ctx, conv->x.data(), conv->filter.data(), out.data());
      state.counters["GFLOP/s"] =
          benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
    });
#ifdef KILN_BENCH_HAVE_ONEDNN
    add(name + "/onednn", [=](benchmark::State &state) {
      setLibraryThreads(threads);
      for (auto _ : state)
        oneDnn[threads]->run(conv->x.data(), oneDnnOut->data());
      state.counters["GFLOP/s"] =
          benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
    });
#endif
    if (!conv->hasLibraryRoute())
      continue;
    add(name + "/im2col+openblas", [=](benchmark::State &state) {
      setLibraryThreads(threads);
      for (auto _ : state)
        conv->reference();
      state.counters["GFLOP/s"] =
          benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
    });
  }
}

void registerConvAndInteger() {
  registerConvolution(std::make_shared<ConvData>(kConvCases[0], conv2d, 56, 56, 64, 64, 3, 1, 1));
  registerConvolution(
      std::make_shared<ConvData>(kConvCases[1], conv2d_1x1, 56, 56, 64, 256, 1, 0, 1));
  registerConvolution(
      std::make_shared<ConvData>(kConvCases[2], dwconv2d, 56, 56, 144, 144, 3, 1, 144));

  const int n = 1024;
  auto a = std::make_shared<Buffer<int8_t>>(size_t(n) * n);
  auto b = std::make_shared<Buffer<int8_t>>(size_t(n) * n);
  std::mt19937 gen(11);
  for (auto *m : {a.get(), b.get()})
    for (int8_t &v : *m)
      v = int8_t(int(gen() % 255) - 127);
  auto c = std::make_shared<Buffer<int32_t>>(size_t(n) * n);
  check(imatmul_1024(contextWithThreads(2), a->data(), b->data(), c->data()), "imatmul");
  for (int row : {0, 517, n - 1}) // exact integer arithmetic: spot-check whole rows
    for (int col = 0; col < n; ++col) {
      int32_t sum = 0;
      for (int k = 0; k < n; ++k)
        sum += int32_t((*a)[size_t(row) * n + k]) * (*b)[size_t(k) * n + col];
      if (sum != (*c)[size_t(row) * n + col]) {
        std::fprintf(stderr, "MISMATCH imatmul at (%d, %d)\n", row, col);
        failed = true;
      }
    }
  auto f32 = std::make_shared<SgemmData>(n);
  for (int threads : {1, 2}) {
    std::string name = "matmul_1024_i8/t" + std::to_string(threads);
    add(name + "/kiln_i8", [=](benchmark::State &state) {
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        imatmul_1024(ctx, a->data(), b->data(), c->data());
    });
    add(name + "/kiln_f32", [=](benchmark::State &state) {
      letLibraryThreadsSettle();
      kiln_context *ctx = contextWithThreads(threads);
      for (auto _ : state)
        sgemm_1024(ctx, f32->a.data(), f32->b.data(), f32->c.data());
    });
  }
}

// ---- the summary -----------------------------------------------------------------------------

// Collects the median real time of every benchmark (ms) next to the console output.
class MedianCollector : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run> &runs) override {
    for (const Run &run : runs)
      if (run.aggregate_name == "median") {
        medians[run.run_name.function_name] = run.GetAdjustedRealTime();
        for (const auto &[key, counter] : run.counters)
          counters[run.run_name.function_name][key] = counter.value;
      }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> medians;
  std::map<std::string, std::map<std::string, double>> counters;
};

double timeCommand(const std::string &command) {
  auto start = Clock::now();
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", command.c_str());
    failed = true;
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void printCompileTimes() {
  std::printf("\nkilnc -O3 per benchmark graph (wall time, s; target < 3):\n");
  for (const char *graph : {"sgemm", "mlp", "chain", "rows", "conv2d", "imatmul", "small"}) {
    std::string source = std::string(KILN_BENCH_GRAPHS) + "/" + graph + ".mlir";
    std::string out = std::string(KILN_BENCH_SCRATCH) + "/" + graph + ".o";
    double best = 1e9;
    for (int i = 0; i < 3; ++i)
      best = std::min(best, timeCommand(std::string(KILN_KILNC) + " -O3 " + source + " -o " + out));
    std::printf("  %-8s %.2f s (best of 3)\n", graph, best);
  }
}

void printLoadLatency() {
  std::vector<double> times;
  Floats x(64 * 64, 0.5f), w(64 * 64, 0.25f), y(64 * 64);
  for (int i = 0; i < 9; ++i) {
    auto start = Clock::now();
    kiln_module *module = nullptr;
    kiln_graph *graph = nullptr;
    if (kiln_module_load(KILN_BENCH_SMALL_ARTIFACT, &module) != KILN_OK ||
        kiln_module_find_graph(module, "small", &graph) != KILN_OK) {
      std::fprintf(stderr, "load: %s\n", kiln_last_error());
      failed = true;
      return;
    }
    int64_t shape[2] = {64, 64};
    kiln_buffer inputs[2] = {{x.data(), KILN_DTYPE_F32, 2, shape},
                             {w.data(), KILN_DTYPE_F32, 2, shape}};
    kiln_buffer output = {y.data(), KILN_DTYPE_F32, 2, shape};
    if (kiln_graph_call(graph, nullptr, inputs, 2, &output, 1) != KILN_OK) {
      std::fprintf(stderr, "call: %s\n", kiln_last_error());
      failed = true;
    }
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    (void)kiln_module_unload(module);
  }
  std::sort(times.begin(), times.end());
  std::printf("\nartifact load + first call (64x64 matmul + relu): median %.3f ms of 9 "
              "(target < 2 ms)\n",
              times[times.size() / 2]);
}

void printRatios(const MedianCollector &c) {
  auto median = [&](const std::string &name) {
    auto it = c.medians.find(name);
    return it == c.medians.end() ? 0.0 : it->second;
  };
  auto counter = [&](const std::string &name, const char *key) {
    auto it = c.counters.find(name);
    return it == c.counters.end() || !it->second.count(key) ? 0.0 : it->second.at(key);
  };
  std::printf("\n=== Kiln vs references (medians of %d; ratio = reference time / Kiln time, "
              "> 1 is Kiln faster) ===\n",
              kRepetitions);
  double peak[3] = {0, counter("peak_fp32/t1", "GFLOP/s"), counter("peak_fp32/t2", "GFLOP/s")};
  std::printf("measured peak FP32: %.0f GFLOP/s (1 thread), %.0f (2 threads)\n", peak[1], peak[2]);
  std::printf("measured triad:     %.1f GB/s (1 thread), %.1f (2 threads)\n",
              counter("chain_16M/t1/triad", "GB/s"), counter("chain_16M/t2/triad", "GB/s"));
  struct Row {
    std::string group, reference;
    const char *target;
  };
  std::vector<Row> rows;
  for (int n : {256, 512, 1024, 2048})
    for (const char *ref : {"openblas", "eigen", "onednn"})
      rows.push_back({"sgemm_" + std::to_string(n), ref,
                      n >= 1024 && std::string(ref) == "openblas" ? ">= 1.0" : ""});
  rows.push_back({"mlp_256x1024x3", "openblas+epilogue", ">= 1.2"});
  rows.push_back({"chain_16M", "triad", ">= 0.85"});
  rows.push_back({"softmax_4096x1024", "c", ">= 1.0"});
  rows.push_back({"layer_norm_4096x1024", "c", ">= 1.0"});
  for (const char *conv : kConvCases) {
    rows.push_back({conv, "im2col+openblas", ""});
    rows.push_back({conv, "onednn", ">= 1.0"});
  }
  std::printf("%-24s %-3s %-18s %10s %10s %7s %8s  %s\n", "case", "thr", "reference", "kiln ms",
              "ref ms", "ratio", "target", "kiln rate");
  for (const Row &row : rows)
    for (int t : {1, 2}) {
      std::string base = row.group + "/t" + std::to_string(t);
      double kiln = median(base + "/kiln"), ref = median(base + "/" + row.reference);
      if (kiln == 0 || ref == 0)
        continue;
      std::string rate;
      if (double g = counter(base + "/kiln", "GFLOP/s"); g > 0) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.0f GFLOP/s = %.2f of peak", g, g / peak[t]);
        rate = buffer;
      } else if (double g = counter(base + "/kiln", "GB/s"); g > 0) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.1f GB/s", g);
        rate = buffer;
      }
      std::printf("%-24s %-3d %-18s %10.3f %10.3f %7.2f %8s  %s\n", row.group.c_str(), t,
                  row.reference.c_str(), kiln, ref, ref / kiln, row.target, rate.c_str());
    }
  for (int t : {1, 2}) {
    std::string base = "matmul_1024_i8/t" + std::to_string(t);
    double i8 = median(base + "/kiln_i8"), f32 = median(base + "/kiln_f32");
    if (i8 > 0 && f32 > 0)
      std::printf("%-24s %-3d %-18s %10.3f %10.3f %7.2f\n", "matmul_1024_i8", t, "kiln f32", i8,
                  f32, f32 / i8);
  }
  for (int t : {1, 2})
    for (int n : {1024, 2048}) {
      std::string base = "sgemm_" + std::to_string(n) + "/t" + std::to_string(t);
      if (double g = counter(base + "/kiln", "GFLOP/s"); g > 0 && peak[t] > 0)
        std::printf("sgemm_%d t%d: Kiln %.0f GFLOP/s = %.2f of measured peak\n", n, t, g,
                    g / peak[t]);
    }
}

} // namespace

// The repetitions of all cases run in a random order unless the command line says otherwise:
// this machine's speed drifts by 5-10% over minutes, and a Kiln case timed in a slow minute
// against a reference timed in a fast one (as consecutive cases were) gave SGEMM 2048 on two
// threads anywhere from 0.91 to 1.00 of oneDNN.
std::vector<char *> withInterleavedRepetitions(int argc, char **argv) {
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  std::vector<char *> args(argv, argv + argc);
  bool given = std::any_of(args.begin(), args.end(), [](const char *arg) {
    return std::string(arg).rfind("--benchmark_enable_random_interleaving", 0) == 0;
  });
  if (!given)
    args.insert(args.begin() + 1, interleave);
  args.push_back(nullptr);
  return args;
}

int main(int argc, char **argv) {
  std::vector<char *> args = withInterleavedRepetitions(argc, argv);
  argc = static_cast<int>(args.size()) - 1;
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  registerMachine();
  registerSgemm();
  registerMlp();
  registerStreaming();
  registerRows();
  registerConvAndInteger();
  if (failed) {
    std::fprintf(stderr, "a Kiln result differs from its reference; not timing it\n");
    return 1;
  }
  MedianCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  printRatios(collector);
  printCompileTimes();
  printLoadLatency();
  return failed ? 1 : 0;
}
