// Graph.cpp - graph signatures, validated calls into compiled code, and per-graph counters.
#include "Internal.h"

#include <chrono>
#include <cinttypes>
#include <cstring>

using kiln::fail;

namespace {

// Most graphs have a handful of arguments; only bigger ones pay for a heap array.
constexpr size_t inlineArgs = 16;

const char *graphName(const kiln_graph *graph) { return graph->info->name; }

bool sameShape(const kiln_buffer &buffer, const kiln_arg_info &arg) {
  if (buffer.rank != arg.rank)
    return false;
  for (uint32_t i = 0; i < arg.rank; ++i)
    if (buffer.shape[i] != arg.shape[i])
      return false;
  return true;
}

// Checks one buffer against its signature entry; `kind` is "input" or "output".
kiln_status checkBuffer(const kiln_graph *graph, const char *kind, size_t index,
                        const kiln_buffer &buffer, const kiln_arg_info &arg) {
  const char *name = graphName(graph);
  if (!buffer.data)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "graph '%s' %s %zu '%s': data is NULL", name, kind,
                index, arg.name);
  if (buffer.rank > 0 && buffer.rank <= KILN_MAX_RANK && !buffer.shape)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "graph '%s' %s %zu '%s': rank is %u but shape is NULL",
                name, kind, index, arg.name, buffer.rank);
  bool dtypeMatches = buffer.dtype == arg.dtype;
  if (!dtypeMatches || !sameShape(buffer, arg)) {
    std::string expected = kiln::formatType(arg.dtype, arg.rank, arg.shape);
    std::string given = kiln::formatType(buffer.dtype, buffer.rank, buffer.shape);
    return fail(dtypeMatches ? KILN_ERROR_SHAPE_MISMATCH : KILN_ERROR_DTYPE_MISMATCH,
                "graph '%s' %s %zu '%s': expected %s, got %s", name, kind, index, arg.name,
                expected.c_str(), given.c_str());
  }
  // Compiled code loads whole elements; a misaligned one is undefined behaviour in C and may
  // fault in vector code.
  size_t alignment = kiln_dtype_size(arg.dtype);
  if (reinterpret_cast<uintptr_t>(buffer.data) % alignment != 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "graph '%s' %s %zu '%s': data %p is not aligned to its %zu-byte elements", name,
                kind, index, arg.name, buffer.data, alignment);
  return KILN_OK;
}

// The bytes of a buffer that matches `arg` (checkBuffer passed).
size_t bufferBytes(const kiln_arg_info &arg) {
  size_t bytes = kiln_dtype_size(arg.dtype);
  for (uint32_t i = 0; i < arg.rank; ++i)
    bytes *= static_cast<size_t>(arg.shape[i]);
  return bytes;
}

bool overlap(const kiln_buffer &a, const kiln_arg_info &aArg, const kiln_buffer &b,
             const kiln_arg_info &bArg) {
  auto aBegin = reinterpret_cast<uintptr_t>(a.data), bBegin = reinterpret_cast<uintptr_t>(b.data);
  size_t aBytes = bufferBytes(aArg), bBytes = bufferBytes(bArg);
  return aBytes && bBytes && aBegin < bBegin + bBytes && bBegin < aBegin + aBytes;
}

// Compiled code assumes that what it writes overlaps nothing else of the call (docs/design.md,
// "Buffers"); inputs may share memory, being only read.
kiln_status checkOutputsOverlapNothing(const kiln_graph *graph, const kiln_buffer *inputs,
                                       const kiln_buffer *outputs) {
  const kiln_graph_info &info = *graph->info;
  for (size_t o = 0; o < info.num_outputs; ++o) {
    const kiln_arg_info &outArg = info.args[info.num_inputs + o];
    for (size_t i = 0; i < info.num_inputs + o; ++i) {
      bool isInput = i < info.num_inputs;
      const kiln_buffer &other = isInput ? inputs[i] : outputs[i - info.num_inputs];
      if (overlap(outputs[o], outArg, other, info.args[i]))
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    "graph '%s' output %zu '%s' overlaps %s %zu '%s': an output may share "
                    "memory with no other buffer of the call",
                    info.name, o, outArg.name, isInput ? "input" : "output",
                    isInput ? i : i - info.num_inputs, info.args[i].name);
    }
  }
  return KILN_OK;
}

kiln_status checkCall(const kiln_graph *graph, const kiln_buffer *inputs, size_t num_inputs,
                      const kiln_buffer *outputs, size_t num_outputs) {
  const kiln_graph_info &info = *graph->info;
  if (num_inputs != info.num_inputs || num_outputs != info.num_outputs)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "graph '%s' takes %s and %s, but the call passes %zu and %zu", info.name,
                kiln::countOf(info.num_inputs, "input").c_str(),
                kiln::countOf(info.num_outputs, "output").c_str(), num_inputs, num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return fail(KILN_ERROR_INVALID_ARGUMENT, "graph '%s': the %s array is NULL", info.name,
                num_inputs && !inputs ? "inputs" : "outputs");
  for (size_t i = 0; i < num_inputs; ++i)
    if (kiln_status status = checkBuffer(graph, "input", i, inputs[i], info.args[i]))
      return status;
  for (size_t i = 0; i < num_outputs; ++i)
    if (kiln_status status =
            checkBuffer(graph, "output", i, outputs[i], info.args[info.num_inputs + i]))
      return status;
  return checkOutputsOverlapNothing(graph, inputs, outputs);
}

void count(kiln_graph *graph, uint64_t ns, bool failed) {
  graph->calls.fetch_add(1, std::memory_order_relaxed);
  graph->total_ns.fetch_add(ns, std::memory_order_relaxed);
  graph->last_ns.store(ns, std::memory_order_relaxed);
  if (failed)
    graph->failures.fetch_add(1, std::memory_order_relaxed);
}

// Which device a call with `ctx` runs on; fails when CUDA is asked for and impossible.
kiln_status chooseDevice(const kiln_graph *graph, const kiln_context *ctx, kiln_device &device) {
  device = KILN_DEVICE_CPU;
  uint32_t wanted = ctx ? ctx->device : uint32_t(KILN_DEVICE_CPU);
  if (wanted == KILN_DEVICE_CPU)
    return KILN_OK;
  bool hasCuda = graph->info->cuda_entry_argv != nullptr;
  if (wanted == KILN_DEVICE_AUTO) {
    if (hasCuda && kiln::cuda::available())
      device = KILN_DEVICE_CUDA;
    return KILN_OK;
  }
  if (!hasCuda)
    return fail(KILN_ERROR_NO_MATCHING_BINARY,
                "graph '%s' has no CUDA code: '%s' was compiled for the CPU only (add "
                "--target=...,cuda:sm_NN to kilnc)",
                graphName(graph), graph->module->path.c_str());
  if (kiln_status status = kiln_cuda_device(nullptr, nullptr))
    return fail(status, "graph '%s' on CUDA: %s", graphName(graph), kiln_last_error());
  device = KILN_DEVICE_CUDA;
  return KILN_OK;
}

kiln_status runOnCuda(kiln_graph *graph, kiln_context *ctx, const kiln_buffer *inputs,
                      kiln_buffer *outputs) {
  auto start = std::chrono::steady_clock::now();
  kiln::cuda::CallReceipt receipt;
  kiln_status status = kiln::cuda::callGraph(graph, ctx, inputs, outputs, receipt);
  auto ns = static_cast<uint64_t>(
      std::chrono::nanoseconds(std::chrono::steady_clock::now() - start).count());
  count(graph, ns, status != KILN_OK);
  graph->last_device.store(KILN_DEVICE_CUDA, std::memory_order_relaxed);
  graph->cuda_calls.fetch_add(1, std::memory_order_relaxed);
  graph->kernel_launches.fetch_add(receipt.launches, std::memory_order_relaxed);
  graph->bytes_copied.fetch_add(receipt.bytes_copied, std::memory_order_relaxed);
  graph->device_ns.fetch_add(receipt.device_ns, std::memory_order_relaxed);
  if (graph->module->log >= kiln::LogLevel::Debug)
    kiln::logLine("call '%s' on cuda: %.3f us, %llu kernels, %.3f us on the GPU%s",
                  graphName(graph), ns / 1e3, (unsigned long long)receipt.launches,
                  receipt.device_ns / 1e3, status ? " (failed)" : "");
  return status;
}

kiln_status run(kiln_graph *graph, kiln_context *ctx, void **args) {
  auto start = std::chrono::steady_clock::now();
  int32_t code;
  {
    kiln::ProfileScope profile(graph);
    code = graph->info->entry_argv(ctx ? ctx : kiln::defaultContext(), args);
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  auto ns = static_cast<uint64_t>(std::chrono::nanoseconds(elapsed).count());
  count(graph, ns, code != 0);
  graph->last_device.store(KILN_DEVICE_CPU, std::memory_order_relaxed);
  if (graph->module->log >= kiln::LogLevel::Debug)
    kiln::logLine("call '%s': %.3f us%s", graphName(graph), ns / 1e3, code ? " (failed)" : "");
  if (code == 0)
    return KILN_OK;
  if (code == KILN_ENTRY_OUT_OF_MEMORY)
    return fail(KILN_ERROR_OUT_OF_MEMORY,
                "graph '%s': no memory for its workspace (up to %llu bytes)", graphName(graph),
                static_cast<unsigned long long>(graph->module->metadata->workspace_size));
  return fail(KILN_ERROR_ENTRY_FAILED, "graph '%s' returned error code %" PRId32, graphName(graph),
              code);
}

// Passes the data pointers the way the packed entry takes them: inputs, then outputs.
kiln_status packAndRun(kiln_graph *graph, kiln_context *ctx, const kiln_buffer *inputs,
                       size_t num_inputs, const kiln_buffer *outputs, size_t num_outputs) {
  void *inlineStorage[inlineArgs];
  std::unique_ptr<void *[]> heapStorage;
  void **args = inlineStorage;
  if (num_inputs + num_outputs > inlineArgs) {
    heapStorage.reset(new (std::nothrow) void *[num_inputs + num_outputs]);
    if (!heapStorage)
      return fail(KILN_ERROR_OUT_OF_MEMORY, "graph '%s': out of memory", graphName(graph));
    args = heapStorage.get();
  }
  for (size_t i = 0; i < num_inputs; ++i)
    args[i] = inputs[i].data;
  for (size_t i = 0; i < num_outputs; ++i)
    args[num_inputs + i] = outputs[i].data;
  return run(graph, ctx, args);
}

kiln_status argInfo(const kiln_graph *graph, size_t index, bool output,
                    const kiln_arg_info **out_info) {
  const char *function = output ? "kiln_graph_output_info" : "kiln_graph_input_info";
  const char *kind = output ? "output" : "input";
  if (!out_info)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: out_info is NULL", function);
  *out_info = nullptr;
  if (!graph)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "%s: graph is NULL", function);
  const kiln_graph_info &info = *graph->info;
  uint32_t count = output ? info.num_outputs : info.num_inputs;
  if (index >= count)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "graph '%s' has %s; there is no %s %zu", info.name,
                kiln::countOf(count, kind).c_str(), kind, index);
  *out_info = &info.args[(output ? info.num_inputs : 0) + index];
  return KILN_OK;
}

} // namespace

extern "C" const char *kiln_graph_name(const kiln_graph *graph) {
  return graph ? graphName(graph) : nullptr;
}

extern "C" size_t kiln_graph_num_inputs(const kiln_graph *graph) {
  return graph ? graph->info->num_inputs : 0;
}

extern "C" size_t kiln_graph_num_outputs(const kiln_graph *graph) {
  return graph ? graph->info->num_outputs : 0;
}

extern "C" kiln_status kiln_graph_input_info(const kiln_graph *graph, size_t index,
                                             const kiln_arg_info **out_info) {
  return argInfo(graph, index, false, out_info);
}

extern "C" kiln_status kiln_graph_output_info(const kiln_graph *graph, size_t index,
                                              const kiln_arg_info **out_info) {
  return argInfo(graph, index, true, out_info);
}

extern "C" kiln_status kiln_graph_call(kiln_graph *graph, kiln_context *ctx,
                                       const kiln_buffer *inputs, size_t num_inputs,
                                       kiln_buffer *outputs, size_t num_outputs) {
  if (!graph)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_graph_call: graph is NULL");
  kiln_status status = checkCall(graph, inputs, num_inputs, outputs, num_outputs);
  kiln_device device = KILN_DEVICE_CPU;
  if (status == KILN_OK)
    status = chooseDevice(graph, ctx, device);
  if (status == KILN_OK)
    status = device == KILN_DEVICE_CUDA
                 ? runOnCuda(graph, ctx, inputs, outputs)
                 : packAndRun(graph, ctx, inputs, num_inputs, outputs, num_outputs);
  if (status != KILN_OK && graph->module->log >= kiln::LogLevel::Info)
    kiln::logLine("%s", kiln_last_error());
  return status;
}

extern "C" kiln_status kiln_graph_get_stats(const kiln_graph *graph, kiln_graph_stats *out_stats) {
  if (!graph || !out_stats)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_graph_get_stats: %s is NULL",
                graph ? "out_stats" : "graph");
  out_stats->calls = graph->calls.load(std::memory_order_relaxed);
  out_stats->failures = graph->failures.load(std::memory_order_relaxed);
  out_stats->total_ns = graph->total_ns.load(std::memory_order_relaxed);
  out_stats->last_ns = graph->last_ns.load(std::memory_order_relaxed);
  out_stats->last_device = graph->last_device.load(std::memory_order_relaxed);
  out_stats->reserved = 0;
  out_stats->cuda_calls = graph->cuda_calls.load(std::memory_order_relaxed);
  out_stats->kernel_launches = graph->kernel_launches.load(std::memory_order_relaxed);
  out_stats->bytes_copied = graph->bytes_copied.load(std::memory_order_relaxed);
  out_stats->device_ns = graph->device_ns.load(std::memory_order_relaxed);
  return KILN_OK;
}

extern "C" void kiln_graph_reset_stats(kiln_graph *graph) {
  if (!graph)
    return;
  graph->calls.store(0, std::memory_order_relaxed);
  graph->failures.store(0, std::memory_order_relaxed);
  graph->total_ns.store(0, std::memory_order_relaxed);
  graph->last_ns.store(0, std::memory_order_relaxed);
  graph->cuda_calls.store(0, std::memory_order_relaxed);
  graph->kernel_launches.store(0, std::memory_order_relaxed);
  graph->bytes_copied.store(0, std::memory_order_relaxed);
  graph->device_ns.store(0, std::memory_order_relaxed);
  for (uint32_t i = 0; i < graph->info->num_kernels; ++i) {
    graph->kernels[i].runs.store(0, std::memory_order_relaxed);
    graph->kernels[i].ns.store(0, std::memory_order_relaxed);
  }
}
