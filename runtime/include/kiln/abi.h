/* kiln/abi.h - the compiler/runtime interface: module metadata emitted by kilnc.
 *
 * This header is a schema. kilnc writes these structures into every object and shared artifact
 * (codegen/lib/Metadata.cpp builds them with the same layout), and the runtime reads them before
 * it calls anything. Fields have explicit sizes; the layout is fixed for a given
 * KILN_ABI_VERSION and checked by test/unit/AbiLayoutTest.cpp. Change it only together with a
 * version bump.
 *
 * It is standalone C99: no includes beyond <stdint.h>, usable from C and C++.
 */
#ifndef KILN_ABI_H
#define KILN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to the structures below. */
#define KILN_ABI_VERSION 5u

/* The runtime functions generated code calls are exported from libkilnrt.so, which builds with
 * hidden visibility, so that objects with CUDA entries link against it. */
#if defined(__GNUC__) || defined(__clang__)
#define KILN_ABI_EXPORT __attribute__((visibility("default")))
#else
#define KILN_ABI_EXPORT
#endif
/* "KILN" read as a little-endian uint32_t; a first sanity check on a metadata pointer. */
#define KILN_MODULE_MAGIC 0x4E4C494Bu
/* The symbol every shared artifact exports (a kiln_module_metadata). Objects for static linking
 * name it "<module>_metadata" instead so that several modules can be linked into one program. */
#define KILN_METADATA_SYMBOL "kiln_module_metadata"

/* Element types. Values are part of the ABI. Booleans (i1) occupy one byte per element. */
typedef enum kiln_dtype {
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_F64 = 2,
  KILN_DTYPE_F16 = 3,
  KILN_DTYPE_BF16 = 4,
  KILN_DTYPE_BOOL = 5,
  KILN_DTYPE_I8 = 6,
  KILN_DTYPE_I16 = 7,
  KILN_DTYPE_I32 = 8,
  KILN_DTYPE_I64 = 9,
  KILN_DTYPE_U8 = 10,
  KILN_DTYPE_U16 = 11,
  KILN_DTYPE_U32 = 12
} kiln_dtype;

/* The packed entry of a graph: args[i] points at argument i, inputs first, then outputs, each a
 * dense row-major buffer with the dtype and shape of its kiln_arg_info. Returns 0 on success. */
typedef int32_t (*kiln_entry_argv_fn)(void *ctx, void **args);

/* One argument or result of a graph. 24 bytes on LP64. */
typedef struct kiln_arg_info {
  const char *name;     /* NUL-terminated; the SSA name in the source, or "result<N>" */
  const int64_t *shape; /* rank entries; NULL when rank == 0 */
  uint32_t dtype;       /* a kiln_dtype */
  uint32_t rank;
} kiln_arg_info;

/* The packed CUDA entry of a graph: like kiln_entry_argv_fn, but args[i] are device pointers and
 * the work is queued on `stream` (a CUstream; NULL for the runtime's stream). Returns 0 when
 * everything was queued, else the first failure (kiln_cuda_finish below). */
typedef int32_t (*kiln_cuda_entry_argv_fn)(void *ctx, void *stream, void **args);

/* One exported graph. 56 bytes on LP64. */
typedef struct kiln_graph_info {
  const char *name;              /* the graph's symbol name; also its C entry's name */
  kiln_entry_argv_fn entry_argv; /* the packed entry (the "<name>_argv" symbol) */
  const kiln_arg_info *args;     /* num_inputs + num_outputs entries, inputs first */
  uint32_t num_inputs;
  uint32_t num_outputs;
  /* The packed CUDA entry ("<name>_cuda_argv"); NULL when the module has no CUDA target. */
  kiln_cuda_entry_argv_fn cuda_entry_argv;
  /* The names of the graph's kernels, which the CPU code reports to ctx->profile_mark by index
   * (see kiln_context_abi): each is the source location of the ops it runs, the ONNX node name
   * for an imported model, "file.mlir:line:col" for Kiln IR. NULL when num_kernels is 0. */
  const char *const *kernel_names;
  uint32_t num_kernels;
  uint32_t reserved; /* zero */
} kiln_graph_info;

/* GPU code for one SM architecture. 24 bytes on LP64. */
typedef enum kiln_cuda_format { KILN_CUDA_CUBIN = 1, KILN_CUDA_PTX = 2 } kiln_cuda_format;
typedef struct kiln_cuda_image {
  uint32_t sm;      /* compute capability * 10: 80 for sm_80, 90 for sm_90 */
  uint32_t format;  /* a kiln_cuda_format; PTX only with kilnc --embed-ptx */
  const void *data; /* the cubin (ELF), or NUL-terminated PTX text */
  uint64_t size;    /* bytes of data (PTX: without the NUL) */
} kiln_cuda_image;

/* Every kernel of the module, as one image per SM. 16 bytes on LP64. */
typedef struct kiln_cuda_module {
  uint32_t num_images;
  uint32_t reserved; /* zero */
  const kiln_cuda_image *images;
} kiln_cuda_module;

/* The name of the CPU variant the graphs' entries run on this CPU ("<module>_cpu_variant"). */
typedef const char *(*kiln_cpu_variant_fn)(void);

/* The module. 72 bytes on LP64. */
typedef struct kiln_module_metadata {
  uint32_t magic;       /* KILN_MODULE_MAGIC */
  uint32_t abi_version; /* KILN_ABI_VERSION of the kilnc that wrote it */
  uint32_t num_graphs;
  uint32_t reserved; /* zero */
  const kiln_graph_info *graphs;
  /* The CPU of the baseline variant (the last of cpu_variants), e.g. "x86-64-v2". */
  const char *target_cpu;
  /* Comma-separated CPU features the baseline variant requires, in the spelling of GCC's
   * __builtin_cpu_supports ("avx2,fma,avx512f"); empty when it needs nothing beyond x86-64. */
  const char *cpu_features;
  uint64_t workspace_size;      /* the largest workspace a graph needs, in bytes (see below) */
  const kiln_cuda_module *cuda; /* NULL when the module has no CUDA target */
  /* Comma-separated CPU variants, best first ("x86-64-v4,x86-64-v3,x86-64-v2"): one per CPU
   * target given to kilnc. The entries run the first one whose features the CPU has, chosen by
   * cpuid on the first call; cpu_variant names it (and makes that choice if no call has). */
  const char *cpu_variants;
  kiln_cpu_variant_fn cpu_variant;
} kiln_module_metadata;

/* The integrity trailer. kilnc ends every shared artifact with these 48 bytes, after the ELF
 * file: a SHA-256 of everything before them. The runtime reads the file and checks the digest
 * before the dynamic loader sees it, so a truncated, overwritten or bit-flipped artifact is
 * refused instead of crashing the loader or computing something else. It protects against
 * accidents (a partial copy, a bad disk, a stripped or patched file), not against a malicious
 * author, who can write a matching digest. `strip` and other ELF editors drop or invalidate it:
 * an artifact must be used as kilnc wrote it. docs/reliability.md describes the checks. */
#define KILN_TRAILER_MAGIC "KILNSHA1" /* 8 bytes, no NUL */
typedef struct kiln_artifact_trailer {
  char magic[8];         /* KILN_TRAILER_MAGIC */
  uint64_t content_size; /* bytes before the trailer: the ELF file as linked */
  uint8_t sha256[32];    /* SHA-256 of those bytes */
} kiln_artifact_trailer; /* 48 bytes, the last of the file */

/* Parallel loops. Generated code runs each outer parallel loop as a call
 *   parallel_for(ctx, count, task, data)
 * where task(data, begin, end) runs iterations [begin, end) of [0, count) and parallel_for
 * returns when all of them are done. ctx is the context pointer the graph was called with:
 * - not NULL: it points at a struct that starts with a kiln_context_abi (the runtime's
 *   kiln_context does; so may an application's own), and its parallel_for is called;
 * - NULL: kiln_parallel_for is called, which the runtime defines (runtime.h). Generated code
 *   references that symbol weakly: an app that links a Kiln object without the runtime gets
 *   the iterations run in order on the calling thread. */
typedef void (*kiln_task_fn)(void *data, int64_t begin, int64_t end);
typedef void (*kiln_context_parallel_for_fn)(void *ctx, int64_t count, kiln_task_fn task,
                                             void *data);

/* Workspace. A graph whose intermediates kilnc planned into one buffer (KILN_<M>_WORKSPACE_SIZE
 * in the header) gets it, per call, from
 * - ctx->workspace(ctx, bytes) when ctx is not NULL and that field is not NULL: at least
 *   `bytes` bytes aligned to KILN_WORKSPACE_ALIGNMENT, for this call only, or NULL when there
 *   is no memory;
 * - otherwise a per-thread arena of the module, aligned_alloc'd when a call needs more than
 *   the thread's arena holds (so once per thread and module) and never freed.
 * Without a workspace the entry returns KILN_ENTRY_OUT_OF_MEMORY. */
typedef void *(*kiln_context_workspace_fn)(void *ctx, uint64_t bytes);
#define KILN_WORKSPACE_ALIGNMENT 64 /* bytes; what kilnc's plan and every supplier assume */
#define KILN_ENTRY_OUT_OF_MEMORY 10 /* the runtime's KILN_ERROR_OUT_OF_MEMORY */

/* Profiling. The CPU code of a graph is cut into kernels: the loops and calls that run one
 * source op (or the ops fused with it). Before each kernel starts, the graph calls
 *   ctx->profile_mark(ctx, kernel)
 * with the kernel's index in its kiln_graph_info's kernel_names, when ctx and profile_mark are not
 * NULL. Time from one mark to the next, and from the last mark to the graph's return, is the
 * marked kernel's. The graph marks from its calling thread only; parallel tasks never do. */
typedef void (*kiln_context_profile_mark_fn)(void *ctx, uint32_t kernel);

/* The head of a context, as generated code reads it. 24 bytes on LP64. */
typedef struct kiln_context_abi {
  kiln_context_parallel_for_fn parallel_for;
  kiln_context_workspace_fn workspace;       /* NULL: the module's per-thread arena */
  kiln_context_profile_mark_fn profile_mark; /* NULL: no profiling */
} kiln_context_abi;

KILN_ABI_EXPORT void kiln_parallel_for(void *ctx, int64_t count, kiln_task_fn task, void *data);

/* Split batches. kilnc may compile a graph for one chunk of its batch (`kilnc --batch-chunk`);
 * its entry then runs the chunk's code once per chunk, on pointers advanced by a chunk. With ctx
 * NULL or a runtime context (ctx->parallel_for == kiln_parallel_for) it first asks
 *   kiln_spread_chunks(ctx, chunks)
 * (defined by the runtime, referenced weakly). Nonzero: the chunks are shared out with
 * kiln_parallel_for, each task taking its workspace from ctx->workspace (the runtime's is a
 * per-thread arena) or the module's per-thread arena, and running its chunks' own parallel
 * loops inline, so that no parallel_for is ever called from inside a task. Zero, an older
 * runtime without the function, or an application's own context: the chunks run in order on
 * the calling thread, each sharing its loops through parallel_for as a whole batch does.
 * Either way the entry returns a failing chunk's status. */
KILN_ABI_EXPORT int32_t kiln_spread_chunks(void *ctx, int64_t chunks);

/* CUDA entries. The host code of a CUDA entry makes only these calls, which the runtime
 * defines (it loads libcuda with dlopen). ctx and stream are the entry's. The first failure is
 * recorded for the calling thread; later calls of the same entry then do nothing, and
 * kiln_cuda_finish returns it (nonzero; the message is in kiln_last_error) and clears it.
 * - kiln_cuda_alloc: device memory ordered on the stream (NULL after a failure).
 * - kiln_cuda_check_alignment: the entry's first call for each buffer argument.
 * - kiln_cuda_launch: kernel `name` of `module` (the image for this device's SM) with a grid of
 *   grid_x * grid_y * grid_z blocks of block_x * block_y * block_z threads; args[i] points at
 *   the kernel's i-th parameter, as in cuLaunchKernel. */
KILN_ABI_EXPORT void *kiln_cuda_alloc(void *ctx, void *stream, uint64_t bytes);
/* Records KILN_ERROR_INVALID_ARGUMENT when buffer argument `index` (inputs, then outputs) is not
 * 16-byte aligned: the kernels load and store up to 16 bytes at a time. */
KILN_ABI_EXPORT void kiln_cuda_check_alignment(void *ctx, void *stream, const void *pointer,
                                               uint32_t index);
KILN_ABI_EXPORT void kiln_cuda_free(void *ctx, void *stream, void *pointer);
KILN_ABI_EXPORT void kiln_cuda_launch(void *ctx, void *stream, const kiln_cuda_module *module,
                                      const char *name, int64_t grid_x, int64_t grid_y,
                                      int64_t grid_z, int64_t block_x, int64_t block_y,
                                      int64_t block_z, uint32_t shared_bytes, void **args);
KILN_ABI_EXPORT int32_t kiln_cuda_finish(void *ctx, void *stream);

/* The host-pointer CUDA entries (<graph>_cuda_host) call this: args[0..num_inputs) are host
 * inputs and the next num_outputs host outputs, bytes[i] bytes each. It allocates device
 * buffers, copies the inputs in, runs `entry` (the graph's _cuda_argv) on the runtime's stream,
 * copies the outputs back and synchronizes. Returns 0 or a kiln_status (the message, naming
 * graph `name`, is in kiln_last_error). */
KILN_ABI_EXPORT int32_t kiln_cuda_call_host(void *ctx, const char *name,
                                            kiln_cuda_entry_argv_fn entry, uint32_t num_inputs,
                                            uint32_t num_outputs, const uint64_t *bytes,
                                            void **args);

#ifdef __cplusplus
}
#endif

#endif /* KILN_ABI_H */
