// Profile.cpp - the time of each kernel of a graph call (kiln_graph_set_profiling).
//
// Generated code calls ctx->profile_mark(ctx, kernel) before each kernel (kiln/abi.h). The
// marks come from the thread that called the graph, so the call in progress is a thread-local:
// a mark closes the running kernel's stretch and opens the next one, and the end of the call
// closes the last. With profiling off, the call has no scope and a mark returns at once.
#include "Internal.h"

#include <chrono>

namespace kiln {
namespace {

constexpr uint32_t kNoKernel = UINT32_MAX;

uint64_t nowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// The profiled graph call in progress on this thread.
thread_local ProfileScope *activeScope = nullptr;

} // namespace

ProfileScope::ProfileScope(kiln_graph *graph) {
  if (!graph->profiling.load(std::memory_order_relaxed) || graph->info->num_kernels == 0)
    return;
  kernels = graph->kernels.get();
  numKernels = graph->info->num_kernels;
  outer = activeScope;
  activeScope = this;
  since = nowNs();
}

ProfileScope::~ProfileScope() {
  if (!kernels)
    return;
  close(nowNs());
  activeScope = outer;
}

void ProfileScope::close(uint64_t now) {
  if (current != kNoKernel)
    kernels[current].ns.fetch_add(now - since, std::memory_order_relaxed);
}

void ProfileScope::mark(uint32_t kernel) {
  uint64_t now = nowNs();
  close(now);
  // An index past the table (a module that lies) is timed as no kernel rather than trusted.
  current = kernel < numKernels ? kernel : kNoKernel;
  if (current != kNoKernel)
    kernels[current].runs.fetch_add(1, std::memory_order_relaxed);
  since = now;
}

bool profilingOnThisThread() { return activeScope != nullptr; }

void profileMark(void *, uint32_t kernel) {
  if (ProfileScope *scope = activeScope)
    scope->mark(kernel);
}

} // namespace kiln

using kiln::fail;

extern "C" void kiln_graph_set_profiling(kiln_graph *graph, int enabled) {
  if (graph)
    graph->profiling.store(enabled != 0, std::memory_order_relaxed);
}

extern "C" size_t kiln_graph_num_kernels(const kiln_graph *graph) {
  return graph ? graph->info->num_kernels : 0;
}

extern "C" kiln_status kiln_graph_kernel_stats(const kiln_graph *graph, size_t index,
                                               kiln_kernel_stats *out_stats) {
  if (!graph || !out_stats)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_graph_kernel_stats: %s is NULL",
                graph ? "out_stats" : "graph");
  if (index >= graph->info->num_kernels)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "graph '%s' has %s; there is no kernel %zu",
                graph->info->name, kiln::countOf(graph->info->num_kernels, "kernel").c_str(),
                index);
  const kiln::KernelCounter &counter = graph->kernels[index];
  out_stats->name = graph->info->kernel_names[index];
  out_stats->runs = counter.runs.load(std::memory_order_relaxed);
  out_stats->total_ns = counter.ns.load(std::memory_order_relaxed);
  return KILN_OK;
}
