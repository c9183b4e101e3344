// Context.cpp - per-caller settings for graph calls.
#include "Internal.h"

#include <cstdlib>
#include <new>
#include <unistd.h>

namespace {

// The workspace of the calling thread: one buffer for every module and context, since a thread
// runs one graph call at a time (parallel tasks get the caller's pointers).
struct Arena {
  void *data = nullptr;
  uint64_t bytes = 0;
  ~Arena() { std::free(data); }
};

} // namespace

void *kiln::threadWorkspace(void *, uint64_t bytes) {
  thread_local Arena arena;
  if (bytes <= arena.bytes)
    return arena.data;
  std::free(arena.data);
  const uint64_t align = KILN_WORKSPACE_ALIGNMENT;
  uint64_t rounded = (bytes + align - 1) & ~(align - 1);
  arena.data = std::aligned_alloc(align, rounded);
  arena.bytes = arena.data ? bytes : 0;
  return arena.data;
}

extern "C" kiln_status kiln_context_create(const kiln_context_options *options,
                                           kiln_context **out_ctx) {
  if (!out_ctx)
    return kiln::fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_context_create: out_ctx is NULL");
  *out_ctx = nullptr;
  auto *ctx = new (std::nothrow) kiln_context;
  if (!ctx)
    return kiln::fail(KILN_ERROR_OUT_OF_MEMORY, "kiln_context_create: out of memory");
  uint32_t threads = options ? options->num_threads : 0;
  ctx->num_threads = threads ? threads : kiln::onlineCpus();
  if (options && options->device > KILN_DEVICE_AUTO) {
    uint32_t device = options->device;
    delete ctx;
    return kiln::fail(KILN_ERROR_INVALID_ARGUMENT,
                      "kiln_context_create: device %u is not a kiln_device (0 cpu, 1 cuda, 2 auto)",
                      device);
  }
  if (options) {
    ctx->device = options->device;
    ctx->parallel_for = options->parallel_for;
    ctx->parallel_for_user = options->parallel_for_user;
  }
  *out_ctx = ctx;
  return KILN_OK;
}

uint32_t kiln::onlineCpus() {
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<uint32_t>(online) : 1;
}

kiln_context *kiln::defaultContext() {
  static kiln_context ctx = [] {
    kiln_context defaults;
    defaults.num_threads = onlineCpus();
    return defaults;
  }();
  return &ctx;
}

extern "C" void kiln_context_destroy(kiln_context *ctx) { delete ctx; }

extern "C" uint32_t kiln_context_num_threads(const kiln_context *ctx) {
  return ctx ? ctx->num_threads : 0;
}
