// kiln-run.cpp - runs and benchmarks a graph of a Kiln shared artifact on .npy files.
#include "ArrayPrinter.h"
#include "Npy.h"
#include "Options.h"

#include "kiln/runtime.h"
#include "kiln/version.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

namespace kiln::run {
namespace {

// Every error unwinds to main, so that the module is unloaded and nothing is half-written.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string &message) { throw Failure(message); }

void check(kiln_status status) {
  if (status != KILN_OK)
    fail(kiln_last_error());
}

struct ModuleUnloader {
  void operator()(kiln_module *module) const { (void)kiln_module_unload(module); }
};
using Module = std::unique_ptr<kiln_module, ModuleUnloader>;

struct ContextDestroyer {
  void operator()(kiln_context *ctx) const { kiln_context_destroy(ctx); }
};
using Context = std::unique_ptr<kiln_context, ContextDestroyer>;

// "1 input", "2 inputs"
std::string countOf(size_t count, const std::string &noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string typeOf(uint32_t dtype, uint32_t rank, const int64_t *shape) {
  std::string text(kiln_format_type(nullptr, 0, dtype, rank, shape) + 1, '\0');
  text.resize(kiln_format_type(text.data(), text.size(), dtype, rank, shape));
  return text;
}

std::string typeOf(const kiln_arg_info &arg) { return typeOf(arg.dtype, arg.rank, arg.shape); }

std::string typeOf(const npy::Array &array) {
  return typeOf(array.dtype(), array.rank(), array.shape().data());
}

const kiln_arg_info &inputInfo(const kiln_graph *graph, size_t index) {
  const kiln_arg_info *info = nullptr;
  check(kiln_graph_input_info(graph, index, &info));
  return *info;
}

const kiln_arg_info &outputInfo(const kiln_graph *graph, size_t index) {
  const kiln_arg_info *info = nullptr;
  check(kiln_graph_output_info(graph, index, &info));
  return *info;
}

// "(a: f32[2x3], b: f32[3])"
std::string argList(const kiln_graph *graph, bool outputs) {
  size_t count = outputs ? kiln_graph_num_outputs(graph) : kiln_graph_num_inputs(graph);
  std::string text = "(";
  for (size_t i = 0; i < count; ++i) {
    const kiln_arg_info &arg = outputs ? outputInfo(graph, i) : inputInfo(graph, i);
    text += (i ? ", " : "") + std::string(arg.name) + ": " + typeOf(arg);
  }
  return text + ")";
}

std::string graphNames(kiln_module *module) {
  std::string names;
  for (size_t i = 0; i < kiln_module_num_graphs(module); ++i) {
    kiln_graph *graph = nullptr;
    check(kiln_module_graph_at(module, i, &graph));
    names += (i ? ", " : "") + std::string(kiln_graph_name(graph));
  }
  return names;
}

bool hasSeveralCpuVariants(const kiln_module *module) {
  return std::strchr(kiln_module_cpu_variants(module), ',') != nullptr;
}

/// "x86-64-v4 (of x86-64-v4,x86-64-v3,x86-64-v2)": the CPU code that ran.
std::string describeCpuVariant(const kiln_module *module) {
  return std::string(kiln_module_cpu_variant(module)) + " (of " + kiln_module_cpu_variants(module) +
         ")";
}

void listModule(kiln_module *module) {
  const char *features = kiln_module_cpu_features(module);
  const char *cuda = kiln_module_cuda_architectures(module);
  std::printf("%s: target cpu '%s', cpu features '%s', cuda '%s'\n", kiln_module_path(module),
              kiln_module_target_cpu(module), *features ? features : "none", *cuda ? cuda : "none");
  if (hasSeveralCpuVariants(module))
    std::printf("  cpu variants '%s'; this CPU runs '%s'\n", kiln_module_cpu_variants(module),
                kiln_module_cpu_variant(module));
  for (size_t i = 0; i < kiln_module_num_graphs(module); ++i) {
    kiln_graph *graph = nullptr;
    check(kiln_module_graph_at(module, i, &graph));
    std::printf("  %s%s -> %s\n", kiln_graph_name(graph), argList(graph, false).c_str(),
                argList(graph, true).c_str());
  }
}

kiln_graph *selectGraph(kiln_module *module, const Options &options) {
  kiln_graph *graph = nullptr;
  if (!options.graph.empty())
    check(kiln_module_find_graph(module, options.graph.c_str(), &graph));
  else if (kiln_module_num_graphs(module) == 1)
    check(kiln_module_graph_at(module, 0, &graph));
  else if (kiln_module_num_graphs(module) == 0)
    fail("'" + options.artifact + "' has no graphs");
  else
    fail("'" + options.artifact + "' has " + countOf(kiln_module_num_graphs(module), "graph") +
         " (" + graphNames(module) + "); choose one with --graph");
  return graph;
}

/// .npy has no bf16 type, so a graph that takes or returns bf16 cannot be run from files; the
/// message says how to write such a graph instead.
void rejectBf16(const kiln_graph *graph) {
  auto check = [&](const kiln_arg_info &arg, const char *what, size_t i) {
    if (arg.dtype == KILN_DTYPE_BF16)
      fail(std::string(what) + " " + std::to_string(i) + " '" + arg.name + "' of graph '" +
           kiln_graph_name(graph) +
           "' is bf16, which .npy files cannot hold: take or return f32 and kiln.cast to or "
           "from bf16 inside the graph");
  };
  for (size_t i = 0; i < kiln_graph_num_inputs(graph); ++i)
    check(inputInfo(graph, i), "input", i);
  for (size_t i = 0; i < kiln_graph_num_outputs(graph); ++i)
    check(outputInfo(graph, i), "output", i);
}

std::vector<npy::Array> readInputs(const kiln_graph *graph, const Options &options) {
  size_t count = kiln_graph_num_inputs(graph);
  size_t given = options.inputs.size();
  if (given != count)
    fail("graph '" + std::string(kiln_graph_name(graph)) + "' takes " + countOf(count, "input") +
         " " + argList(graph, false) + ", but " + countOf(given, "--input file") +
         (given == 1 ? " was" : " were") + " given");
  std::vector<npy::Array> inputs(count);
  for (size_t i = 0; i < count; ++i) {
    std::string error;
    if (!npy::read(options.inputs[i], inputs[i], error))
      fail(error);
    const kiln_arg_info &arg = inputInfo(graph, i);
    std::string expected = typeOf(arg), actual = typeOf(inputs[i]);
    if (expected != actual)
      fail("input " + std::to_string(i) + " '" + arg.name + "' ('" + options.inputs[i] +
           "'): expected " + expected + ", got " + actual);
  }
  return inputs;
}

std::vector<npy::Array> allocateOutputs(const kiln_graph *graph) {
  std::vector<npy::Array> outputs(kiln_graph_num_outputs(graph));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const kiln_arg_info &arg = outputInfo(graph, i);
    std::string error;
    if (!outputs[i].allocate(arg.dtype, std::vector<int64_t>(arg.shape, arg.shape + arg.rank),
                             error))
      fail("output " + std::to_string(i) + " '" + arg.name + "': " + error);
  }
  return outputs;
}

std::vector<kiln_buffer> buffersOf(std::vector<npy::Array> &arrays) {
  std::vector<kiln_buffer> buffers;
  for (npy::Array &array : arrays)
    buffers.push_back({array.data(), array.dtype(), array.rank(), array.shape().data()});
  return buffers;
}

kiln_device deviceOf(const Options &options) {
  if (options.device == "cuda")
    return KILN_DEVICE_CUDA;
  return options.device == "auto" ? KILN_DEVICE_AUTO : KILN_DEVICE_CPU;
}

Context makeContext(const Options &options) {
  kiln_context_options settings = {};
  settings.num_threads = options.threads;
  settings.device = deviceOf(options);
  kiln_context *ctx = nullptr;
  check(kiln_context_create(&settings, &ctx));
  return Context(ctx);
}

std::string formatDuration(double ns) {
  char text[32];
  if (ns < 1e3)
    std::snprintf(text, sizeof text, "%.0f ns", ns);
  else if (ns < 1e6)
    std::snprintf(text, sizeof text, "%.3f us", ns / 1e3);
  else if (ns < 1e9)
    std::snprintf(text, sizeof text, "%.3f ms", ns / 1e6);
  else
    std::snprintf(text, sizeof text, "%.3f s", ns / 1e9);
  return text;
}

// Runs the graph and checks the outcome; returns the wall time in nanoseconds.
double callGraph(kiln_graph *graph, kiln_context *ctx, std::vector<kiln_buffer> &inputs,
                 std::vector<kiln_buffer> &outputs) {
  auto start = std::chrono::steady_clock::now();
  kiln_status status =
      kiln_graph_call(graph, ctx, inputs.data(), inputs.size(), outputs.data(), outputs.size());
  std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  check(status);
  return elapsed.count();
}

/// "cuda (NVIDIA H100 80GB HBM3, sm_90)" or "cpu": the device of the graph's last run.
std::string describeDevice(const kiln_graph *graph) {
  kiln_graph_stats stats = {};
  check(kiln_graph_get_stats(graph, &stats));
  if (stats.last_device != KILN_DEVICE_CUDA)
    return "cpu";
  uint32_t sm = 0;
  const char *name = "";
  check(kiln_cuda_device(&sm, &name));
  return std::string("cuda (") + name + ", sm_" + std::to_string(sm) + ")";
}

/// Why a run with CUDA code in the artifact stayed on the CPU.
std::string whyCpu(const Options &options) {
  if (options.device == "cpu")
    return "--device cpu";
  if (kiln_cuda_device(nullptr, nullptr) != KILN_OK)
    return std::string("auto: ") + kiln_last_error();
  return "auto";
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void bench(kiln_graph *graph, kiln_context *ctx, uint32_t runs, std::vector<npy::Array> &inputs,
           std::vector<npy::Array> &outputs) {
  std::vector<kiln_buffer> in = buffersOf(inputs), out = buffersOf(outputs);
  callGraph(graph, ctx, in, out); // warm-up: page faults, caches, lazy binding, module loads
  kiln_graph_reset_stats(graph);  // a profile of the timed runs only
  std::vector<double> times, gpuTimes;
  kiln_graph_stats before = {}, after = {};
  for (uint32_t i = 0; i < runs; ++i) {
    check(kiln_graph_get_stats(graph, &before));
    times.push_back(callGraph(graph, ctx, in, out));
    check(kiln_graph_get_stats(graph, &after));
    gpuTimes.push_back(double(after.device_ns - before.device_ns));
  }
  uint64_t bytes = 0;
  for (const auto *arrays : {&inputs, &outputs})
    for (const npy::Array &array : *arrays)
      bytes += array.numBytes();
  double mid = median(times);
  std::printf("device: %s\n", describeDevice(graph).c_str());
  std::printf("graph '%s': %u runs after 1 warm-up: min %s, median %s, %.3f GB/s "
              "(%llu bytes in and out per run)\n",
              kiln_graph_name(graph), runs,
              formatDuration(*std::min_element(times.begin(), times.end())).c_str(),
              formatDuration(mid).c_str(), mid > 0 ? bytes / mid : 0.0,
              static_cast<unsigned long long>(bytes));
  if (after.last_device == KILN_DEVICE_CUDA) {
    // The wall times above include the copies between host and GPU; the kernels alone:
    double gpuMid = median(gpuTimes);
    std::printf("gpu time (kernels, CUDA events): min %s, median %s, %.3f GB/s; %llu kernel "
                "launches per run\n",
                formatDuration(*std::min_element(gpuTimes.begin(), gpuTimes.end())).c_str(),
                formatDuration(gpuMid).c_str(), gpuMid > 0 ? bytes / gpuMid : 0.0,
                static_cast<unsigned long long>((after.kernel_launches - before.kernel_launches)));
  }
}

/// The graph's kernels, longest first, with their share of the calls' time (--profile).
void printProfile(const kiln_graph *graph) {
  kiln_graph_stats stats = {};
  check(kiln_graph_get_stats(graph, &stats));
  if (stats.cuda_calls > 0) {
    std::printf("profile: none; the graph ran on CUDA, whose calls are not split into kernels\n");
    return;
  }
  std::vector<kiln_kernel_stats> kernels;
  uint64_t kernelNs = 0;
  for (size_t i = 0; i < kiln_graph_num_kernels(graph); ++i) {
    kiln_kernel_stats kernel = {};
    check(kiln_graph_kernel_stats(graph, i, &kernel));
    kernelNs += kernel.total_ns;
    if (kernel.runs > 0)
      kernels.push_back(kernel);
  }
  std::stable_sort(kernels.begin(), kernels.end(),
                   [](const kiln_kernel_stats &a, const kiln_kernel_stats &b) {
                     return a.total_ns > b.total_ns;
                   });
  double calls = double(std::max<uint64_t>(stats.calls, 1));
  double total = double(std::max<uint64_t>(stats.total_ns, 1));
  std::printf("profile of graph '%s': %zu of %zu kernels ran, %s per call over %llu %s\n",
              kiln_graph_name(graph), kernels.size(), kiln_graph_num_kernels(graph),
              formatDuration(stats.total_ns / calls).c_str(),
              static_cast<unsigned long long>(stats.calls), stats.calls == 1 ? "call" : "calls");
  std::printf("%7s %12s %7s  %s\n", "share", "per call", "starts", "kernel");
  for (const kiln_kernel_stats &kernel : kernels)
    std::printf("%6.2f%% %12s %7.3g  %s\n", 100.0 * kernel.total_ns / total,
                formatDuration(kernel.total_ns / calls).c_str(), kernel.runs / calls, kernel.name);
  uint64_t outside = stats.total_ns > kernelNs ? stats.total_ns - kernelNs : 0;
  std::printf("%6.2f%% %12s %7s  (before the first kernel)\n", 100.0 * outside / total,
              formatDuration(outside / calls).c_str(), "");
}

void checkOutputCount(const kiln_graph *graph, const Options &options) {
  size_t results = kiln_graph_num_outputs(graph);
  if (options.outputs.size() > results)
    fail(countOf(options.outputs.size(), "--output file") +
         (options.outputs.size() == 1 ? " was" : " were") + " given, but graph '" +
         kiln_graph_name(graph) + "' has " + countOf(results, "result") + " " +
         argList(graph, true));
}

void writeOutputs(const Options &options, const std::vector<npy::Array> &outputs) {
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    std::string error;
    if (!npy::write(options.outputs[i], outputs[i], error))
      fail(error);
  }
}

void printVersion() {
  std::printf("kiln-run (Kiln) %s\n", KILN_VERSION_STRING);
  if (*KILN_LLVM_VERSION_STRING)
    std::printf("  built with the Kiln compiler on LLVM/MLIR %s\n", KILN_LLVM_VERSION_STRING);
}

void printOutputs(const kiln_graph *graph, const std::vector<npy::Array> &outputs) {
  for (size_t i = 0; i < outputs.size(); ++i)
    std::printf("%s: %s\n%s\n", outputInfo(graph, i).name, typeOf(outputs[i]).c_str(),
                formatArray(outputs[i]).c_str());
}

int run(int argc, char **argv) {
  Options options;
  std::string error;
  if (!parseOptions(argc, argv, options, error))
    fail(error);
  if (options.help) {
    std::fputs(helpText, stdout);
    return 0;
  }
  if (options.version) {
    printVersion();
    return 0;
  }
  kiln_module *loaded = nullptr;
  check(kiln_module_load(options.artifact.c_str(), &loaded));
  Module module(loaded);
  if (options.list) {
    listModule(module.get());
    return 0;
  }
  if (options.device == "cuda" && !*kiln_module_cuda_architectures(module.get()))
    fail("--device cuda: this artifact has no CUDA code (it holds CPU code for target '" +
         std::string(kiln_module_target_cpu(module.get())) +
         "'; compile with --target=...,cuda:sm_NN)");
  kiln_graph *graph = selectGraph(module.get(), options);
  checkOutputCount(graph, options);
  rejectBf16(graph);
  std::vector<npy::Array> inputs = readInputs(graph, options);
  std::vector<npy::Array> outputs = allocateOutputs(graph);
  Context ctx = makeContext(options);
  kiln_graph_set_profiling(graph, options.profile);
  if (options.bench) {
    bench(graph, ctx.get(), options.bench, inputs, outputs);
  } else {
    std::vector<kiln_buffer> in = buffersOf(inputs), out = buffersOf(outputs);
    callGraph(graph, ctx.get(), in, out);
  }
  std::string device = describeDevice(graph);
  if (*kiln_module_cuda_architectures(module.get()))
    std::fprintf(stderr, "device: %s\n",
                 device == "cpu" ? (device + " (" + whyCpu(options) + ")").c_str()
                                 : device.c_str());
  if (device == "cpu" && hasSeveralCpuVariants(module.get()))
    std::fprintf(stderr, "cpu variant: %s\n", describeCpuVariant(module.get()).c_str());
  writeOutputs(options, outputs);
  if (options.print)
    printOutputs(graph, outputs);
  if (options.profile)
    printProfile(graph);
  return 0;
}

} // namespace
} // namespace kiln::run

int main(int argc, char **argv) {
  try {
    return kiln::run::run(argc, argv);
  } catch (const kiln::run::Failure &failure) {
    std::fprintf(stderr, "kiln-run: error: %s\n", failure.what());
  } catch (const std::bad_alloc &) {
    std::fprintf(stderr, "kiln-run: error: out of memory\n");
  }
  return 1;
}
