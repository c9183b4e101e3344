/* kiln/runtime.h - the Kiln runtime's public C API: load compiled artifacts, inspect, call graphs.
 *
 * Usable from C99 and C++. Link kiln_runtime (static) or libkilnrt.so; both depend only on the C
 * and C++ standard libraries, libdl and pthreads.
 *
 * Conventions
 * - Every function that can fail returns a kiln_status; KILN_OK is 0. Failures never abort: a bad
 *   argument, a broken artifact or a mismatched buffer is reported as a status, and
 *   kiln_last_error() then holds a one-line message that says exactly what was wrong.
 * - Creators write their result through an `out_` pointer and set it to NULL on failure.
 * - Handles are opaque. A kiln_module owns its graphs: every kiln_graph pointer and every string
 *   or kiln_arg_info returned for a module stays valid until kiln_module_unload of that module.
 * - Thread safety: loading, unloading and querying different modules may happen concurrently.
 *   kiln_graph_call may run concurrently on the same graph (the counters are atomic), but a
 *   module must not be unloaded while another thread still uses it.
 *
 * Logging: the environment variable KILN_LOG, read by each kiln_module_load, selects what the
 * module logs to stderr with a "[kiln]" prefix: "off" (default), "info" (loads and failures), or
 * "debug" (also the duration of every call).
 */
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* KILN_MUST_USE: ignoring a status is a compiler warning. KILN_API: exported from libkilnrt.so. */
#if defined(__GNUC__) || defined(__clang__)
#define KILN_MUST_USE __attribute__((warn_unused_result))
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_MUST_USE
#define KILN_API
#endif

/* The most dimensions the runtime accepts in metadata and buffers. */
#define KILN_MAX_RANK 32u

/* ------------------------------------------------------------------------------------------------
 * Status and errors
 * ---------------------------------------------------------------------------------------------- */

/* Result of every fallible call. Values are stable. */
typedef enum kiln_status {
  KILN_OK = 0,
  KILN_ERROR_INVALID_ARGUMENT = 1, /* NULL where a value is needed, bad index, count or handle */
  KILN_ERROR_NOT_FOUND = 2,        /* no such file, or no graph of that name */
  KILN_ERROR_LOAD_FAILED = 3,      /* the dynamic loader refused the file (dlopen's reason given) */
  KILN_ERROR_INVALID_ARTIFACT = 4, /* not a Kiln artifact, or its metadata is corrupt */
  KILN_ERROR_ABI_MISMATCH = 5,     /* written by a kilnc with another KILN_ABI_VERSION */
  KILN_ERROR_UNSUPPORTED_CPU = 6,  /* needs a CPU feature this machine lacks, or an unknown one */
  KILN_ERROR_DTYPE_MISMATCH = 7,   /* a buffer's dtype differs from the graph's signature */
  KILN_ERROR_SHAPE_MISMATCH = 8,   /* a buffer's rank or a dimension differs from the signature */
  KILN_ERROR_ENTRY_FAILED = 9,     /* the compiled graph returned a nonzero code */
  KILN_ERROR_OUT_OF_MEMORY = 10,   /* host memory, or GPU memory in a CUDA call */
  KILN_ERROR_DEVICE_UNAVAILABLE = 11, /* no CUDA driver, or no GPU */
  KILN_ERROR_NO_MATCHING_BINARY = 12, /* no cubin for this GPU's architecture in the artifact */
  KILN_ERROR_DEVICE_FAILED = 13       /* a CUDA call failed (launch, copy, module load) */
} kiln_status;

/* A short, static description of a status ("invalid argument"); "unknown status" otherwise. */
KILN_API const char *kiln_status_string(kiln_status status);

/* The message of the last failing call made by this thread, or "" if none failed yet. Every call
 * that returns a status other than KILN_OK replaces it; successful calls leave it unchanged. The
 * string is owned by the runtime and stays valid until this thread's next failing call. */
KILN_API const char *kiln_last_error(void);

/* ------------------------------------------------------------------------------------------------
 * Element types (kiln_dtype in abi.h)
 * ---------------------------------------------------------------------------------------------- */

/* The IR spelling of a dtype ("f32", "i1" for bool, ...), or "unknown" for a value that is not a
 * kiln_dtype. Static storage. */
KILN_API const char *kiln_dtype_name(uint32_t dtype);

/* Bytes per element (bool takes one byte), or 0 for a value that is not a kiln_dtype. */
KILN_API size_t kiln_dtype_size(uint32_t dtype);

/* Writes a type in the IR's compact spelling ("f32[33x5]", "i64[]" for a scalar) into `buffer`,
 * snprintf-style: the text is cut to fit and NUL-terminated when size > 0, and the return value
 * is the length of the whole text. `shape` may be NULL when rank == 0. */
KILN_API size_t kiln_format_type(char *buffer, size_t size, uint32_t dtype, uint32_t rank,
                                 const int64_t *shape);

/* ------------------------------------------------------------------------------------------------
 * Modules
 * ---------------------------------------------------------------------------------------------- */

typedef struct kiln_module kiln_module;
typedef struct kiln_graph kiln_graph;
typedef struct kiln_context kiln_context;

/* Loads the shared artifact at `path` (written by `kilnc --emit=shared`) and validates it before
 * anything in it is called:
 * - before the dynamic loader sees the file: it must be a regular file that ends with the SHA-256
 *   digest kilnc wrote (kiln_artifact_trailer in abi.h) over all its other bytes, and its ELF
 *   header and program headers must describe a shared object for this machine that lies within
 *   the file. A truncated, bit-flipped, overwritten, stripped or foreign file is refused
 *   (KILN_ERROR_INVALID_ARTIFACT, "... is damaged: digest mismatch") and never mapped. The digest
 *   guards against accidents, not against a malicious author: loading an artifact runs its code,
 *   so load only artifacts you would run.
 * - after mapping: the metadata symbol KILN_METADATA_SYMBOL must exist with the right magic, ABI
 *   version and well-formed graph signatures, every pointer in it must lie inside the mapped
 *   image (functions in its code) and every count must fit, and this CPU must support every
 *   feature the code was compiled for.
 * A path without a '/' names a file in the current directory (the library search path is not
 * used). The module holds the file open with dlopen (RTLD_NOW | RTLD_LOCAL) until
 * kiln_module_unload. Loading a path again after the file was rewritten, while a module from
 * it is still loaded, fails (KILN_ERROR_LOAD_FAILED): the loader would return the old code. On
 * failure *out_module is set to NULL. */
KILN_API KILN_MUST_USE kiln_status kiln_module_load(const char *path, kiln_module **out_module);

/* Releases a module and closes the artifact: its graph handles, and the names and arg infos that
 * point into the artifact, become invalid. NULL is a no-op that returns KILN_OK. Unloading a
 * module twice, or a pointer that was never a loaded module, is detected and returns
 * KILN_ERROR_INVALID_ARGUMENT instead of crashing (unless a newer module got the same address). */
KILN_API kiln_status kiln_module_unload(kiln_module *module);

/* The path given to kiln_module_load; NULL for a NULL module. */
KILN_API const char *kiln_module_path(const kiln_module *module);

/* The CPU the code was compiled for (e.g. "x86-64-v4"); "" if the artifact does not say. */
KILN_API const char *kiln_module_target_cpu(const kiln_module *module);

/* The comma list of CPU features the code requires (GCC __builtin_cpu_supports spelling); "" if
 * none. All of them were checked against this CPU by kiln_module_load. */
KILN_API const char *kiln_module_cpu_features(const kiln_module *module);

/* The CPU variants in the artifact, best first, e.g. "x86-64-v4,x86-64-v3,x86-64-v2" (kilnc
 * --target with several CPU targets); "" for a NULL module. */
KILN_API const char *kiln_module_cpu_variants(const kiln_module *module);

/* The CPU variant the graphs run on this CPU: the first of kiln_module_cpu_variants whose
 * features the CPU has, chosen by cpuid when the module was loaded; "" for a NULL module. */
KILN_API const char *kiln_module_cpu_variant(const kiln_module *module);

/* The CUDA architectures the module has cubins for, as "sm_80,sm_90"; "" when it has no CUDA
 * code (or for a NULL module). */
KILN_API const char *kiln_module_cuda_architectures(const kiln_module *module);

/* The number of graphs; 0 for a NULL module. */
KILN_API size_t kiln_module_num_graphs(const kiln_module *module);

/* The graph at `index` (in the artifact's order, 0 <= index < kiln_module_num_graphs). */
KILN_API KILN_MUST_USE kiln_status kiln_module_graph_at(kiln_module *module, size_t index,
                                                        kiln_graph **out_graph);

/* The graph called `name`; KILN_ERROR_NOT_FOUND (with the list of graphs in the message) if the
 * module has none of that name. */
KILN_API KILN_MUST_USE kiln_status kiln_module_find_graph(kiln_module *module, const char *name,
                                                          kiln_graph **out_graph);

/* ------------------------------------------------------------------------------------------------
 * Graphs
 * ---------------------------------------------------------------------------------------------- */

/* The graph's name; NULL for a NULL graph. */
KILN_API const char *kiln_graph_name(const kiln_graph *graph);

/* The number of inputs and of outputs (results); 0 for a NULL graph. */
KILN_API size_t kiln_graph_num_inputs(const kiln_graph *graph);
KILN_API size_t kiln_graph_num_outputs(const kiln_graph *graph);

/* The name, dtype, rank and shape of input or output `index`, pointing into the artifact's
 * metadata (valid until the module is unloaded). */
KILN_API KILN_MUST_USE kiln_status kiln_graph_input_info(const kiln_graph *graph, size_t index,
                                                         const kiln_arg_info **out_info);
KILN_API KILN_MUST_USE kiln_status kiln_graph_output_info(const kiln_graph *graph, size_t index,
                                                          const kiln_arg_info **out_info);

/* A caller's view of one dense, row-major array. 24 bytes on LP64:
 *   offset 0  data   the first element; aligned to at least the element size
 *   offset 8  dtype  a kiln_dtype
 *   offset 12 rank   the number of dimensions, at most KILN_MAX_RANK
 *   offset 16 shape  `rank` dimensions, outermost first; may be NULL when rank == 0
 * The descriptor and the shape array only need to live for the duration of the call. The data is
 * borrowed: the caller allocates it and keeps ownership; inputs are only read. */
typedef struct kiln_buffer {
  void *data;
  uint32_t dtype;
  uint32_t rank;
  const int64_t *shape;
} kiln_buffer;

/* Runs the graph. Before anything is called, the counts, every buffer's data pointer and
 * alignment, dtype, rank and each dimension are checked against the graph's signature; the first
 * mismatch is reported ("graph 'mlp' input 1 'w': expected f32[33x5], got f32[5x33]") and nothing
 * runs; so is an output that overlaps an input or another output (inputs may share memory).
 * `ctx` may be NULL for the defaults. Outputs are written in place. A nonzero code from the
 * compiled graph gives KILN_ERROR_ENTRY_FAILED; the outputs are then unspecified. */
KILN_API KILN_MUST_USE kiln_status kiln_graph_call(kiln_graph *graph, kiln_context *ctx,
                                                   const kiln_buffer *inputs, size_t num_inputs,
                                                   kiln_buffer *outputs, size_t num_outputs);

/* Counters a graph keeps over its lifetime, so a run can show what actually executed. Calls
 * rejected by validation are not counted: these describe runs of the compiled code. */
typedef struct kiln_graph_stats {
  uint64_t calls;       /* times the compiled graph ran */
  uint64_t failures;    /* of those, how many returned a nonzero code */
  uint64_t total_ns;    /* wall time spent in the compiled graph, summed (CUDA: with copies) */
  uint64_t last_ns;     /* wall time of the most recent run */
  uint32_t last_device; /* the kiln_device of the most recent run: KILN_DEVICE_CPU or _CUDA */
  uint32_t reserved;
  uint64_t cuda_calls;      /* of the calls, how many ran on the GPU */
  uint64_t kernel_launches; /* GPU kernels launched, summed */
  uint64_t bytes_copied;    /* bytes copied between host and GPU, summed */
  uint64_t device_ns;       /* GPU time from the first launch to the last kernel's end
                               (CUDA events), summed */
} kiln_graph_stats;

/* Copies the graph's counters into *out_stats. */
KILN_API KILN_MUST_USE kiln_status kiln_graph_get_stats(const kiln_graph *graph,
                                                        kiln_graph_stats *out_stats);

/* Sets the graph's counters back to zero, its kernels' included; a NULL graph is ignored. */
KILN_API void kiln_graph_reset_stats(kiln_graph *graph);

/* ------------------------------------------------------------------------------------------------
 * Profiles
 *
 * kilnc cuts a graph's CPU code into kernels: the loops and calls that run one source op (with
 * what was fused into it), named by the op's location, which is the ONNX node name for an
 * imported model and "file.mlir:line:col" for Kiln IR. While profiling is on, each CPU call
 * of the graph times its kernels: from the start of one to the start of the next, the last one
 * until the call returns, so the kernels' times add up to the call's, less the few
 * instructions before the first kernel. Off (the default), a kernel start costs a load and a
 * branch. CUDA calls are not split into kernels (kiln_graph_stats has their GPU time).
 *
 *   kiln_graph_set_profiling(graph, 1);
 *   kiln_graph_reset_stats(graph);
 *   ... calls ...
 *   for (size_t i = 0; i < kiln_graph_num_kernels(graph); ++i) {
 *     kiln_kernel_stats k;
 *     if (kiln_graph_kernel_stats(graph, i, &k) == KILN_OK)
 *       printf("%s: %.3f ms\n", k.name, k.total_ns / 1e6);   // share: / kiln_graph_stats.total_ns
 *   }
 * ---------------------------------------------------------------------------------------------- */

/* Turns the graph's profiling on (nonzero) or off, for the calls that start after it, on every
 * thread; a NULL graph is ignored. */
KILN_API void kiln_graph_set_profiling(kiln_graph *graph, int enabled);

/* The number of kernels the graph's CPU code reports; 0 for a NULL graph. */
KILN_API size_t kiln_graph_num_kernels(const kiln_graph *graph);

/* One kernel's profile, summed over the profiled calls since the last kiln_graph_reset_stats. */
typedef struct kiln_kernel_stats {
  const char *name;  /* its source op's location; valid until the module is unloaded */
  uint64_t runs;     /* times it started (a kernel may start more than once per call) */
  uint64_t total_ns; /* wall time it ran, summed */
} kiln_kernel_stats;

/* Copies kernel `index`'s profile (0 <= index < kiln_graph_num_kernels) into *out_stats. */
KILN_API KILN_MUST_USE kiln_status kiln_graph_kernel_stats(const kiln_graph *graph, size_t index,
                                                           kiln_kernel_stats *out_stats);

/* ------------------------------------------------------------------------------------------------
 * Contexts
 * ---------------------------------------------------------------------------------------------- */

/* An application's own thread pool: run task(data, begin, end) over [0, count), split as the
 * pool likes, and return when every iteration is done. `user` is parallel_for_user. */
typedef void (*kiln_parallel_for_fn)(void *user, int64_t count, kiln_task_fn task, void *data);

/* Where a call runs. */
typedef enum kiln_device {
  KILN_DEVICE_CPU = 0,  /* the CPU code (the default) */
  KILN_DEVICE_CUDA = 1, /* the graph's CUDA entry on GPU 0; fails when there is none or no GPU */
  KILN_DEVICE_AUTO = 2  /* CUDA when the graph has CUDA code and a GPU is there, else the CPU */
} kiln_device;

/* Settings for the calls made with a context. Zero-initialize, then set what you need. */
typedef struct kiln_context_options {
  /* Threads a call may use, the calling thread included; 0 picks the default (the number of
   * online CPUs). 1 runs everything on the calling thread. */
  uint32_t num_threads;
  /* A kiln_device. A CUDA call copies the inputs to the GPU, runs the graph's kernels and
   * copies the outputs back before it returns. */
  uint32_t device;
  /* When set, parallel loops run on the application's pool instead of the runtime's, and
   * num_threads is only reported. */
  kiln_parallel_for_fn parallel_for;
  void *parallel_for_user;
} kiln_context_options;

/* Creates a context. `options` may be NULL for the defaults. A context may be shared by many
 * graphs and modules, and by concurrent calls; it must outlive the calls that use it. A NULL
 * context in a call means the defaults: the runtime's pool with one thread per online CPU. */
KILN_API KILN_MUST_USE kiln_status kiln_context_create(const kiln_context_options *options,
                                                       kiln_context **out_ctx);

/* Destroys a context; NULL is a no-op. */
KILN_API void kiln_context_destroy(kiln_context *ctx);

/* The resolved number of threads (never 0); 0 for a NULL context. */
KILN_API uint32_t kiln_context_num_threads(const kiln_context *ctx);

/* The runtime's implementation of kiln/abi.h's kiln_parallel_for, which compiled graphs call:
 * runs task(data, begin, end) over [0, count) on up to the context's number of threads, the
 * calling thread taking the first share, and returns when all are done. `ctx` is a
 * kiln_context or NULL. Workers start on first use and then wait, spinning briefly, for the next
 * loop; a call made while the pool is busy (another application thread, or a task that itself
 * calls kiln_parallel_for) runs on its calling thread. */
KILN_API void kiln_parallel_for(void *ctx, int64_t count, kiln_task_fn task, void *data);

/* Whether a graph whose batch kilnc split into `chunks` chunks runs them on separate threads
 * (kiln/abi.h): yes when the context has at least as many chunks as threads (more than one
 * thread), and every thread gets the same number of chunks or at least four, so that no thread
 * idles for long at the end; never while the calling thread profiles a graph
 * (kiln_graph_set_profiling), whose marks come from one thread. Otherwise each chunk shares
 * its own loops over the threads. */
KILN_API int32_t kiln_spread_chunks(void *ctx, int64_t chunks);

/* ------------------------------------------------------------------------------------------------
 * CUDA
 * ---------------------------------------------------------------------------------------------- */

/* The GPU that CUDA calls use (device 0): its architecture (90 for sm_90) and name. Loads the
 * driver (libcuda.so.1, with dlopen) on first use. Fails with KILN_ERROR_DEVICE_UNAVAILABLE and
 * the reason (no driver, no GPU) otherwise; out parameters may be NULL. */
KILN_API KILN_MUST_USE kiln_status kiln_cuda_device(uint32_t *out_sm, const char **out_name);

#ifdef __cplusplus
}
#endif

#endif /* KILN_RUNTIME_H */
