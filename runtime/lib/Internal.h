// Internal.h - the runtime's private types and helpers, shared by its source files only.
#ifndef KILN_RUNTIME_INTERNAL_H
#define KILN_RUNTIME_INTERNAL_H

#include "kiln/runtime.h"

#include <array>
#include <atomic>
#include <memory>
#include <string>

namespace kiln {

enum class LogLevel { Off = 0, Info = 1, Debug = 2 };

// Reads KILN_LOG; an unrecognized value is reported once on stderr and means Off.
LogLevel logLevelFromEnv();

// Writes one "[kiln] ..." line to stderr.
void logLine(const char *format, ...) __attribute__((format(printf, 1, 2)));

// Records a formatted message as this thread's last error and returns `status`, so that error
// paths read `return fail(KILN_ERROR_..., "...", ...)`.
kiln_status fail(kiln_status status, const char *format, ...) __attribute__((format(printf, 2, 3)));

// "1 input", "2 inputs": counts in messages.
std::string countOf(uint64_t count, const char *noun);

// The type of an argument in the IR's compact spelling: "f32[33x5]", "i64[]" for a scalar.
std::string formatType(uint32_t dtype, uint32_t rank, const int64_t *shape);

// Checks that this CPU supports every feature of a comma list; on failure fills `error`.
kiln_status checkCpuFeatures(const char *list, std::string &error);

// The runtime contexts' workspace (kiln/abi.h): a per-thread buffer, grown when a call needs
// more and freed when the thread ends; NULL when there is no memory.
void *threadWorkspace(void *ctx, uint64_t bytes);

// One kernel's profile: how often it started and the time it ran, over the profiled calls.
struct KernelCounter {
  std::atomic<uint64_t> runs{0};
  std::atomic<uint64_t> ns{0};
};

// What ctx->profile_mark points at in the runtime's contexts (kiln/abi.h): a kernel of the
// graph call in progress on this thread starts (Profile.cpp).
void profileMark(void *ctx, uint32_t kernel);
// Whether a profiled graph call is in progress on this thread (Profile.cpp).
bool profilingOnThisThread();

// Times the kernels of one graph call made on this thread, from construction to destruction,
// when the graph's profiling is on; does nothing otherwise (Profile.cpp).
class ProfileScope {
public:
  explicit ProfileScope(kiln_graph *graph);
  ~ProfileScope();
  ProfileScope(const ProfileScope &) = delete;
  ProfileScope &operator=(const ProfileScope &) = delete;

  // Kernel `kernel` of the graph starts now; the one before it ends.
  void mark(uint32_t kernel);

private:
  void close(uint64_t now);

  KernelCounter *kernels = nullptr; // null: profiling is off for this call
  uint32_t numKernels = 0;
  uint32_t current = UINT32_MAX; // the running kernel; UINT32_MAX before the first mark
  uint64_t since = 0;
  ProfileScope *outer = nullptr;
};

} // namespace kiln

struct kiln_graph {
  kiln_module *module = nullptr;
  const kiln_graph_info *info = nullptr;
  // Relaxed atomics: concurrent calls may update them; readers want totals, not an ordering.
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> total_ns{0};
  std::atomic<uint64_t> last_ns{0};
  std::atomic<uint32_t> last_device{KILN_DEVICE_CPU};
  std::atomic<uint64_t> cuda_calls{0};
  std::atomic<uint64_t> kernel_launches{0};
  std::atomic<uint64_t> bytes_copied{0};
  std::atomic<uint64_t> device_ns{0};
  // The per-kernel profile: info->num_kernels counters, kept while `profiling` is on.
  std::atomic<bool> profiling{false};
  std::unique_ptr<kiln::KernelCounter[]> kernels;
};

struct kiln_module {
  void *handle = nullptr; // from dlopen
  std::string path;
  std::array<uint8_t, 32> digest{};               // of the file, checked at load
  const kiln_module_metadata *metadata = nullptr; // lives in the artifact until dlclose
  std::string cudaArchitectures;                  // "sm_80,sm_90" from the metadata
  const char *cpuVariant = ""; // the variant the entries run here, chosen at load
  std::unique_ptr<kiln_graph[]> graphs;
  kiln::LogLevel log = kiln::LogLevel::Off;
  kiln_module *nextLive = nullptr; // the registry of loaded modules (Module.cpp)
};

struct kiln_context {
  // First: generated code reads it (kiln/abi.h).
  kiln_context_abi abi{kiln_parallel_for, kiln::threadWorkspace, kiln::profileMark};
  uint32_t num_threads = 1;
  uint32_t device = KILN_DEVICE_CPU;
  kiln_parallel_for_fn parallel_for = nullptr;
  void *parallel_for_user = nullptr;
};

namespace kiln {
// The number of online CPUs, at least 1.
uint32_t onlineCpus();
// What a NULL context means: the runtime's pool, one thread per online CPU.
kiln_context *defaultContext();
} // namespace kiln

namespace kiln::cuda {
// What one CUDA call did, for the graph's counters.
struct CallReceipt {
  uint64_t launches = 0;
  uint64_t bytes_copied = 0;
  uint64_t device_ns = 0;
};
// Whether the driver loaded and found a GPU (initializing the backend on first use).
bool available();
// Runs the graph's CUDA entry on host buffers that checkCall validated: copies, entry, copies.
kiln_status callGraph(kiln_graph *graph, kiln_context *ctx, const kiln_buffer *inputs,
                      kiln_buffer *outputs, CallReceipt &receipt);
} // namespace kiln::cuda

#endif // KILN_RUNTIME_INTERNAL_H
