//===- Passes.td - Kiln compiler passes -----------------------------------===//

#ifndef KILN_COMPILER_PASSES_TD
#define KILN_COMPILER_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnToLinalg : Pass<"kiln-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower Kiln ops to linalg/tensor/arith/math and graphs to functions";
  let description = [{
    Every computing op becomes linalg on tensors: named ops where they exist (matmul, transpose,
    fill), `linalg.generic` with broadcasting indexing maps otherwise; the scans (cumsum,
    top_k) an `scf.for` along their axis around generics over the other dimensions. Each `kiln.graph @g`
    becomes `func.func @g(%ctx: !llvm.ptr, inputs...) -> (results..., i32)`: the context
    pointer and the status result of the C ABI, so that bufferization can turn the tensor results
    into the caller's output buffers.
  }];
  let options = [
    Option<"softmaxScalesInPlace", "softmax-scales-in-place", "bool", "false",
           "f32/f64 softmax writes exp(x - max) to its result, sums it and scales it in place "
           "(one exponential per element; the CPU's row kernels)">,
    Option<"foldMatmulTransposes", "fold-matmul-transposes", "bool", "false",
           "A 2-D matmul of a kiln.transpose reads the matrix through its indexing map "
           "(the CPU's packed kernel) instead of a transposed copy">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def KilnApproximateMath : Pass<"kiln-approximate-math"> {
  let summary = "Replace f32 transcendentals with vectorizable polynomial approximations";
  let description = [{
    Rewrites math.exp, log, tanh, erf, ... on f32 (scalars and vectors) with polynomial
    approximations, so that the loop vectorizer can vectorize them instead of calling libm per
    element: MLIR's, except for exp, which is Kiln's own (fewer instructions: 2^k from the bits
    of a rounding fma, see ApproximateMath.cpp). f64 is left to libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def KilnCopiesToLinalg : Pass<"kiln-copies-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    memref.copy between buffers with non-identity layouts (slices, concatenations, padding)
    lowers to a call of `memrefCopy` in MLIR's C runner library, which a Kiln artifact must not
    depend on. As linalg.copy it becomes loops like every other op.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def KilnExpandMath : Pass<"kiln-expand-math"> {
  let summary = "Expand the math ops that no MLIR 22 pass lowers to LLVM";
  let description = [{
    `math.absi` becomes `x < 0 ? 0 - x : x` and `math.isinf` becomes `|x| == inf`. Kiln's
    own lowerings and user kernels may both produce them. `math.fpowi` with an exponent other
    than i32 (which LLVM's x86 backend cannot lower) gets a sign-extended i32 exponent when it
    is narrower, and becomes square-and-multiply over the exponent's bits when it is wider.

    `arith.truncf` f64 -> bf16 becomes a rounding to f32 "to odd" and a truncf f32 -> bf16,
    which together round once (LLVM would call `__truncdfbf2`, which nothing provides), and
    `arith.sitofp`/`arith.uitofp` to bf16 go through f64 (64-bit integers rounded to odd), so
    they round once too.

    With `expand-bf16`, conversions to and from bf16 become integer arithmetic on their bits
    (upstream's arith bf16 expansion: round to nearest even, NaN stays NaN, subnormals kept).
    The CPU pipeline needs it: without AVX512-BF16, LLVM's x86 backend calls `__truncsfbf2`,
    which only libgcc 13 and later define, so an artifact would not load or link on Debian 12;
    and the AVX512-BF16 instruction flushes subnormals, so every CPU target rounds alike this way.
  }];
  let options = [
    Option<"expandBF16", "expand-bf16", "bool", "false",
           "Expand arith.truncf to bf16 and arith.extf from bf16 into integer arithmetic">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def KilnDistinctResults : Pass<"kiln-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Give each returned tensor its own value";
  let description = [{
    Each graph result is written into its own caller buffer, but buffer-results-to-out-params
    cannot promote one buffer into two out-parameters. A value returned twice (written so, or
    after folding, e.g. `select(c, x, x)`) is copied into a fresh tensor for each repetition.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def KilnForwardResultCopies : Pass<"kiln-forward-result-copies", "::mlir::func::FuncOp"> {
  let summary = "Compute a result reached through a reshape in its out-parameter";
  let description = [{
    buffer-results-to-out-params replaces a returned allocation with the caller's buffer, but
    not one returned through a reshape (`memref.expand_shape` / `collapse_shape`): that result
    is computed into the allocation and copied into the out-parameter at the end. A
    convolution's result is such a reshape of its matmul's (`N*OH*OW x K` into
    `N x OH x OW x K`), so a graph returning one paid a copy of its whole output: 12% of a 1x1
    convolution at 56x56x256.

    Where a function argument's only use is a `memref.copy` into it from reshapes of a
    static, identity-layout `memref.alloc` in the same block, and neither the allocation nor any
    view of it is used after the copy, the allocation becomes the inverse reshapes of the
    argument and the copy is erased.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def KilnPackedMatmul : Pass<"kiln-packed-matmul"> {
  let summary = "Rewrite f32 linalg.matmul on buffers as packed panels and a register micro-kernel";
  let description = [{
    The loop nest of GotoBLAS/BLIS: for each `nc`-column block of B and `kc`-deep slice of K,
    B is packed into `kc x NR` panels (zero-padded) and, for each `mc`-row block of A, A into
    `MR`-row panels; an `MR x NR` micro-kernel keeps `MR * NR / lanes` accumulator vectors in
    registers across the k loop (one vector load of B per `lanes` columns, one broadcast of A
    per row, one FMA per accumulator). `NR` is two vectors of `vector-bits`. Rows past the end
    of C are skipped and columns past the end masked, so any static shape is handled.
    Only static shapes with identity layouts are rewritten; other matmuls are left to the
    generic lowering.

    When B is an f32 constant (a weight: a constant `memref.global`, possibly reshaped), all
    of it is packed at build time into a new global of `ceil(N / NR) x K x NR` panels and no
    B is packed at run time; the original global goes when nothing else reads it. When A is
    not transposed and has more than one row block, or B has at most `direct-a-panels` column
    panels, the micro-kernel reads A where it is instead of packing it: packing A costs more
    than it saves, except for one row block that many column panels share. Each step over k of
    a build-time B also prefetches the same row of the next panel (weights come from memory on
    every call). With one row block, a build-time B and more than one pass over k, the
    threads take B's column panels each for every pass instead of meeting after each pass;
    A, when packed, is packed once for all passes (when that fits half of L2). With several
    row blocks and a build-time B, each row block runs every pass in one parallel loop, whose
    iterations are (column panel, row block) pairs when B is at least as wide as A is tall.
    Row blocks take whole `mr`-row tiles, as equal in count as they divide.

    When A is the im2col copy of a convolution's input (a generic that copies every window of a
    4-D f32 buffer, and nothing else writes that buffer before the matmul), the micro-kernel
    reads A's elements from the input itself, in runs of columns that are contiguous there (a
    filter row's taps and channels, or at dilated width a tap's channels), with the panels'
    depth (`window-kc`) a multiple or a divisor of the run; the copy and its buffer are erased.
    When that input is itself only a zero-padded copy of another buffer (a graph's input) with
    at least 16 channels, the kernel reads that buffer instead, a tap's channels per run, from
    a run of zeros for taps in the padding, and the padded copy goes too.
    `direct-a-panels=0` keeps the copy.

    With `vnni`, an i8 x i8 -> i32 matmul whose k is a multiple of 4 packs B's panels in
    groups of four rows per column and runs `vpdpbusd`: A's four bytes at a time, biased to
    unsigned and broadcast, against a row group, with the accumulators started at -128 times
    B's column sums to take the bias out.

    An epilogue that computes a transcendental function or divides is applied through a
    tile-sized staging buffer, one row of the tile at a time, instead of on all the tile's
    accumulators at once, which would need more registers than there are.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", "512",
           "Width of the target's vector registers in bits (512 with AVX-512, 256 with AVX2)">,
    Option<"microKernelRows", "mr", "int64_t", "0",
           "Rows of the micro-kernel; 0 picks, per matmul, the count of at most 12 (512-bit "
           "vectors) or 6 (narrower) that pads M's row blocks least">,
    Option<"cacheBlockRows", "mc", "int64_t", "144", "Rows of A packed per block (L2)">,
    Option<"cacheBlockColumns", "nc", "int64_t", "4096", "Columns of B packed per block (L3)">,
    Option<"cacheBlockDepth", "kc", "int64_t", "256", "Depth of the packed panels (L1)">,
    Option<"windowBlockDepth", "window-kc", "int64_t", "1024",
           "Depth of the panels when A is read through a convolution's window (L2; fewer "
           "passes over C)">,
    Option<"directAPanels", "direct-a-panels", "int64_t", "2",
           "Column panels of B up to which A of one row block is read in place instead of "
           "packed (0: always pack A)">,
    Option<"vnni", "vnni", "bool", "false",
           "i8 x i8 -> i32 matmuls (k a multiple of 4, 512-bit vectors) use AVX-512 VNNI's "
           "vpdpbusd; the target must have avx512vnni">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect", "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def KilnDepthwiseConv : Pass<"kiln-depthwise-conv"> {
  let summary = "Rewrite f32 linalg.depthwise_conv_2d_nhwc_hwc on buffers as a register-blocked kernel";
  let description = [{
    Each output row (n, y) is an iteration of a parallel loop. Along it, blocks of up to 8
    output pixels times one vector of channels keep their sums in registers across the
    KH x KW window: per tap, one vector load of the filter and one of the input per pixel,
    one FMA each, and one store per output vector at the end. The loops linalg would give
    instead read and write the output at every tap. A fill of zeros right before the
    convolution is dropped (the sums start at zero). Channels past a multiple of the vector
    width are masked. Only static shapes with identity layouts are rewritten.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", "512",
           "Width of the target's vector registers in bits (512 with AVX-512, 256 with AVX2)">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect", "::mlir::arith::ArithDialect"];
}

def KilnFuseRowLoops : Pass<"kiln-fuse-row-loops", "::mlir::func::FuncOp"> {
  let summary = "Fuse sibling parallel loops that stay within their rows";
  let description = [{
    Sibling `scf.parallel` loops (no reductions) with the same bounds in their first dimension
    are fused into one loop over that dimension when every buffer that one of them writes and
    the other touches is accessed only through `memref.load`/`memref.store` whose first index
    is the loop's first induction variable. n-D loops become a 1-D loop around an (n-1)-D one
    first. The ops between fused loops (allocations, constants) move above them. The passes of
    softmax, layer_norm and rms_norm over a row (statistics, then the output) thereby run
    back to back while the row is in cache. Within a fused row, a parallel loop over the
    columns and the sequential loop after it that reads each column it wrote (softmax's
    exponentials and their sum) become one loop, and a sequential loop that accumulates into
    one element (a row statistic) carries the accumulator as a value instead of loading and
    storing it every column. A fused row loop that computes a transcendental function
    (softmax's exponentials) prefetches, at the start of each row, the row about 4 KB ahead of
    every rank-2 buffer it reads at its own row and does not write, one `memref.prefetch` per
    64-byte line; a loop without one (layer_norm) streams at the memory bandwidth and is left
    to the hardware prefetcher.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def KilnPlanWorkspace : Pass<"kiln-plan-workspace", "::mlir::ModuleOp"> {
  let summary = "Place the intermediate buffers of graph functions in one workspace";
  let description = [{
    Each `memref.alloc` at the top level of a graph function (first argument the context
    pointer) with a static shape, an identity layout and no use that lets it escape becomes a
    `memref.view` at an offset of one workspace buffer, `memref<Nxi8>`, which the function
    takes as its second argument (64-byte aligned, `llvm.dereferenceable = N`); its deallocs go
    away. A buffer is live from its allocation to its last use (through views), in the
    function's top-level order; buffers that are never live at the same time share bytes
    (largest first, lowest free offset). A buffer first accessed by the op that reads another
    for the last time, where that op reads each element of the other (with
    `vector.transfer_read`, through the same views or reshapes of both, at the same indices)
    just before writing the same element of the new one and touches neither otherwise, takes
    the other's offset when no buffer live beside them occupies it: the op computes in place.
    The function is renamed `<graph>.body`; codegen defines the C entry `<graph>` around it.

    With `allocate`, the function keeps its name and signature and allocates the workspace
    itself, once, at its start (freed before it returns): the CUDA host code, whose allocations
    become device allocations ordered on the call's stream (kiln-cuda-lower-launches), then
    makes one allocation per call instead of one per intermediate.
  }];
  let options = [
    Option<"allocate", "allocate", "bool", /*default=*/"false",
           "Allocate the workspace in the function instead of taking it as an argument">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def KilnOutlineParallelLoops : Pass<"kiln-outline-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Outline the outermost parallel loops of graph functions into thread tasks";
  let description = [{
    Each outermost `scf.parallel` (no reductions) of a function whose first argument is the
    context pointer, with an estimated work of at least `min-work` operations, becomes a private
    function `@<graph>_parallel<N>(%begin, %end, captures...)` that runs iterations
    `[begin, end)` of its leading dimensions, marked `kiln.parallel_task`, and the loop becomes
    a call of it over `[0, count)`. The range covers as few leading dimensions as give 64
    iterations (row-major), so that a batch of one image still has rows to share; the
    dimensions after the first must then have constant bounds. Captured memrefs must have static shapes and identity layouts
    (they cross the C ABI as bare pointers); loops capturing others stay serial.
    `kiln-lower-parallel-calls` finishes the job on the LLVM dialect.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "262144",
           "Estimated operations below which a loop stays on the calling thread">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def KilnMarkKernels : Pass<"kiln-mark-kernels", "::mlir::ModuleOp"> {
  let summary = "Report the start of each kernel of a graph function to the context's profiler";
  let description = [{
    For each function with a `kiln.kernels` table (kiln-to-linalg records it on a graph's
    function: the names of the graph's source ops, from their locations) whose first argument
    is the context pointer: before each top-level op that does work (a loop, a call, a memory
    read or write) and belongs to another kernel than the one before it, inserts
    `call @__kiln_profile_mark(%ctx, <index>)`, which calls `ctx->profile_mark(ctx, index)`
    when the context has one (kiln/abi.h). An op's kernel is the first name of its location
    (a fused location's parts in order) that the table holds; ops the table does not name
    stay with the kernel before them. Loops that run once are entered, so that the kernels in
    them are told apart. Run it after kiln-outline-parallel-loops, when a parallel loop is one
    call.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect"];
}

def KilnLowerParallelCalls : Pass<"kiln-lower-parallel-calls", "::mlir::ModuleOp"> {
  let summary = "Turn calls of parallel tasks into kiln_parallel_for (LLVM dialect)";
  let description = [{
    Each `llvm.call` of a `kiln.parallel_task` function, `call @task(0, count, captures...)`,
    stores the captures into a struct on the caller's frame and calls
    `kiln_parallel_for(ctx, count, @task_thunk, &struct)` (kiln/abi.h) through an internal
    wrapper that runs the task inline when the weak `kiln_parallel_for` is not linked in.
    `ctx` is the caller's first argument.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def KilnWidenBoolMemory : Pass<"kiln-widen-bool-memory", "::mlir::ModuleOp"> {
  let summary = "Load and store i1 in memory as i8 (LLVM dialect)";
  let description = [{
    An i1 in memory takes a byte, which is how Kiln passes booleans too (docs/design.md), but
    LLVM's loop vectorizer does not widen `load i1` into a vector load: a select on a boolean
    mask (a transformer's causal mask) loaded its 16 lanes one byte at a time and built the
    vector mask lane by lane. Each `llvm.load` of i1 becomes a load of the byte and a trunc,
    each `llvm.store` of i1 a zext and a store of the byte: the same memory, and loops that
    vectorize into one byte-vector load and one mask test.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def KilnSplitBatch : Pass<"kiln-split-batch", "::mlir::ModuleOp"> {
  let summary = "Compute a batch-separable graph one chunk of its batch per call";
  let description = [{
    When every argument and result of a `kiln.graph` has the batch as its dimension 0 and every
    op keeps samples apart (elementwise ops whose other operands broadcast along dimension 0,
    reductions, normalizations and scans that leave it alone, transposes that keep it first,
    reshapes that keep it, convolutions and pools of a batched input with a filter that is not,
    matmuls whose batched operands lead with the batch, slices and pads that leave it whole,
    concatenations along another axis, lookups of batched indices), the graph is retyped to a
    chunk of the batch and marked `kiln.batch_split = calls`. Its C entry then calls the code
    once per chunk, with every argument and result advanced by one chunk (codegen), so the
    intermediates of one chunk stay in cache where those of the whole batch would stream
    through memory. The signature the header and metadata show is taken before this pass.

    With `chunk = 0`, only graphs that convolve a batched tensor are split, into the largest
    chunk whose batched intermediates each take at most `budget-bytes`. A `chunk` that does
    not divide a graph's batch leaves that graph whole.
  }];
  let options = [
    Option<"chunk", "chunk", "int64_t", "0",
           "Samples of dimension 0 per call (0: choose; -1: never split)">,
    Option<"budgetBytes", "budget-bytes", "int64_t", "4194304",
           "With chunk = 0, the most bytes one batched intermediate of a chunk may take">,
  ];
}

def KilnLowerUnsigned : Pass<"kiln-lower-unsigned", "::mlir::ModuleOp"> {
  let summary = "Rewrite ui8/ui16/ui32 tensors as signless ones with the same bits";
  let description = [{
    The lowerings below Kiln take signless integers only (as MLIR's arith does). This pass
    gives every unsigned tensor the signless type of its width and keeps each op's unsigned
    meaning with signed Kiln ops: sign-agnostic ops (add, sub, mul, neg, shift_left, sums,
    products, shape and indexing ops) only change type; ordering ops (cmp, max, min,
    reduce_max/min, argmax/argmin, top_k, max_pool2d) compare operands biased by 2^(N-1), which
    maps the unsigned order onto the signed one; div, shift_right and casts from unsigned types
    zero-extend into the twice-as-wide signed type; casts from floats to unsigned types saturate into
    [0, 2^N - 1]; relu and abs are the identity. Any other op on an unsigned tensor is an
    error. A graph's signature becomes signless too: the header and metadata are taken from
    the Kiln module before this pass.
  }];
}

def KilnPropagateTransposes : Pass<"kiln-propagate-transposes"> {
  let summary = "Move Kiln transposes down until they meet their inverse and vanish";
  let description = [{
    Kiln's convolutions and pools take NHWC tensors, so an NCHW model reaches them through a
    transpose before and after each one. This pass moves a `kiln.transpose` down through the
    ops that do not depend on the order of dimensions: elementwise ops (their other operands
    are transposed to match), reductions (their axes are permuted) and concatenation (its
    axis is permuted). A transpose that meets another composes with it (kiln.transpose's
    folder), and the pair around two convolutions becomes the identity, so the graph stays
    NHWC between its entry and its exit. A transpose moves only when the op's other operands
    need no data movement for it: transposes by the same permutation, constants (transposed
    at build time), or tensors whose transpose only moves dimensions of size 1 (a reshape),
    and when each of its other users takes it in as well. Transposes that move only dimensions
    of size 1 become reshapes.
  }];
}

def KilnReassociateReductions : Pass<"kiln-reassociate-reductions"> {
  let summary = "Let float reductions be reassociated so that they vectorize";
  let description = [{
    The combining operation of every reducing `linalg.generic` (addf, mulf, maximumf,
    minimumf, maxnumf, minnumf taking the accumulator) gets the `reassoc` fast-math flag,
    which lets LLVM's loop vectorizer keep one partial result per vector lane. Kiln's
    reductions do not promise an evaluation order (docs/language.md); nothing else changes.
  }];
}

def KilnFuseElementwise : Pass<"kiln-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops on tensors, keeping contractions whole";
  let description = [{
    The patterns of upstream's `linalg-fuse-elementwise-ops` (producer/consumer fusion of
    generics, reshape propagation by expansion, constant folding) with a control function
    that never fuses into or out of a contraction such as `linalg.matmul`, so that every
    matmul reaches `kiln-packed-matmul` as a matmul.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}


//===----------------------------------------------------------------------===//
// The CUDA path (docs/cuda.md)
//===----------------------------------------------------------------------===//

def KilnCUDAEntries : Pass<"kiln-cuda-entries", "::mlir::ModuleOp"> {
  let summary = "Turn bufferized graph functions into CUDA device-pointer entries";
  let description = [{
    Each graph function `@g(%ctx, buffers...) -> i32` becomes `@g_cuda(%ctx, %stream,
    buffers...) -> i32`, marked `kiln.cuda_entry`: the same buffers, now device pointers, and
    the CUDA stream (a `CUstream`, NULL for the runtime's) that every launch goes to.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def KilnCUDAMapParallelLoops : Pass<"kiln-cuda-map-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Tile the parallel loops of CUDA entries into blocks and threads";
  let description = [{
    In each function marked `kiln.cuda_entry`, every outermost `scf.parallel` is tiled so that
    a block of up to `block-size` threads covers its innermost dimension (one thread per
    element, consecutive threads on consecutive addresses, so global loads coalesce) and the
    remaining dimensions become the grid, innermost first (x, y, z); loops nested in it run
    whole in each thread (as scf.for), and constants it reads get their own get_global so that
    outlining moves them to the device. Serial code left at the top level (0-d elementwise
    ops, whole-tensor reductions) is wrapped into a one-thread loop. A loop marked
    `kiln.gpu_block_loop` (row kernels, block reductions, matmuls) maps to the grid as it is and
    the loop at the start of its body to the block's threads. Then upstream's
    convert-parallel-loops-to-gpu patterns make the launches, workgroup-memory allocations
    inside a launch become its workgroup attributions (the block's shared memory), and the pass
    checks that the host side only allocates, describes buffers and launches.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256", "Threads per block (a multiple of 32)">,
  ];
  // affine: the launch conversion computes indices with affine.apply.
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect"];
}

def KilnCUDABlockReductions : Pass<"kiln-cuda-block-reductions", "::mlir::ModuleOp"> {
  let summary = "Reduce rows with a block of threads in CUDA entries";
  let description = [{
    Each `linalg.generic` on buffers in a `kiln.cuda_entry` function whose last loop is its
    only reduction (row sums, maxima, the reductions of softmax and the normalizations), with a
    combiner that `gpu.all_reduce` has (add, mul, min/max, and/or/xor on f32 and i32), becomes
    one block per output element: each thread accumulates a strided part of the row, a
    `gpu.all_reduce` combines the parts, and thread 0 folds the total into the output. The
    outer loop is marked `kiln.gpu_block_loop` for kiln-cuda-map-parallel-loops. Float
    reductions are reordered, as Kiln's built-in reductions may be (docs/language.md);
    generics marked `kiln.ordered_reduction` (user kernels' kiln.reduce) are left alone.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256", "Threads per row (a multiple of 32)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect"];
}

def KilnCUDARowKernels : Pass<"kiln-cuda-row-kernels", "::mlir::ModuleOp"> {
  let summary = "Run the row passes of softmax and the normalizations as one kernel per row";
  let description = [{
    In a `kiln.cuda_entry` function, a run of passes over the same rows (fills of row
    statistics, reductions over the innermost dimension into them, elementwise generics over
    the rows) with at least one reduction becomes one block loop: a block per row whose
    threads do every pass in turn over columns t, t + T, ...; each reduction's total comes from
    a `gpu.all_reduce` and stays in registers for the passes after it (thread 0 still stores
    it). Statistics written in the run must be read as statistics of the row, and elements
    written in the run only at the same element, which the same thread wrote. The outer loop
    is marked `kiln.gpu_block_loop` for kiln-cuda-map-parallel-loops; single reductions are
    left to kiln-cuda-block-reductions.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256", "Threads per row (a multiple of 32)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect"];
}

def KilnCUDAVectorizeElementwise : Pass<"kiln-cuda-vectorize-elementwise", "::mlir::ModuleOp"> {
  let summary = "Give each GPU thread 4 consecutive elements, loaded and stored as vectors";
  let description = [{
    In a `kiln.cuda_entry` function, each top-level elementwise `scf.parallel` (no reductions,
    no nested regions) whose innermost dimension runs 0 to N, N a multiple of 4, and whose
    loads and stores index that dimension only as their last index, on buffers whose offset
    and outer strides are multiples of 4 elements, becomes a loop over N / 4 in which each
    iteration loads 4 consecutive elements as one `vector.load` (aligned to its size, up to 16
    bytes: `ld.global.v4.f32`), computes the 4 lanes with the loop's scalar ops and stores them
    as one `vector.store`. The alignment relies on 16-byte aligned buffers, which
    kiln-cuda-lower-launches has the runtime check for each entry argument.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::vector::VectorDialect"];
}

def KilnCUDATensorCoreMatmul : Pass<"kiln-cuda-tensor-core-matmul", "::mlir::ModuleOp"> {
  let summary = "f16/bf16 matmuls in CUDA entries on tensor cores (mma.sync)";
  let description = [{
    Each `linalg.matmul` on static buffers in a `kiln.cuda_entry` function whose operands are
    both f16 or both bf16, summed in f32 (`c + extf(a) * extf(b)`), becomes a grid of
    128 x 128 tiles of C, one block of 8 warps per tile. Each k step of 32 is copied from
    global memory (16-byte vector loads, issued one step ahead into registers) into padded
    shared memory; each warp loads its fragments with `nvgpu.ldmatrix` and sums a 64 x 32 tile
    with `nvgpu.mma.sync` (m16n8k16, f32 accumulators in registers; bf16 through
    `nvvm.mma.sync`, which nvgpu's conversion lacks); C is read and written
    once. Needs sm_80 or newer (`min-sm`), k and n multiples of 8 and operands whose offsets
    and row strides are multiples of 8 elements (16-byte aligned rows); other matmuls are left
    to kiln-cuda-tiled-matmul.
  }];
  let options = [
    Option<"minSM", "min-sm", "int64_t", "80",
           "The oldest SM architecture the kernels are for (tensor cores need 80)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::gpu::GPUDialect",
                           "::mlir::vector::VectorDialect", "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::NVVM::NVVMDialect", "::mlir::LLVM::LLVMDialect"];
}

def KilnCUDATiledMatmul : Pass<"kiln-cuda-tiled-matmul", "::mlir::ModuleOp"> {
  let summary = "Register-tiled matmuls in CUDA entries";
  let description = [{
    Each `linalg.matmul` on static buffers in a `kiln.cuda_entry` function becomes a grid of
    64 x 64 tiles of C, one block of 16 x 16 threads per tile, each thread summing a 4 x 4
    register tile (rows and columns 16 apart, so that neighbouring threads read neighbouring
    columns of B) over k and adding it to C once. The outer loop is marked
    `kiln.gpu_block_loop` for kiln-cuda-map-parallel-loops. f32 matmuls with k and n
    multiples of 4 and 16-byte aligned rows take a staged kernel instead: 128 x 128 tiles of C
    per block of 256 threads, 8 x 8 outputs per thread, each k step of 16 copied into shared
    memory in 16-byte pieces one step ahead. The matmuls that kiln-cuda-tensor-core-matmul
    takes (f16/bf16) never reach it.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::gpu::GPUDialect",
                           "::mlir::vector::VectorDialect"];
}

def KilnCUDAMergeModules : Pass<"kiln-cuda-merge-modules", "::mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` makes one `gpu.module` per kernel; Kiln ships one binary per SM
    with all of a module's kernels, so they are moved into a single `gpu.module @kiln_kernels`
    and the launches renamed accordingly. Each kernel's workgroup buffers get `llvm.align = 16`
    (ldmatrix rows and the 16-byte copies of the matmul kernels need it; without it a buffer
    gets its element type's alignment).
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def KilnCUDALowerLaunches : Pass<"kiln-cuda-lower-launches", "::mlir::ModuleOp"> {
  let summary = "Lower the host side of CUDA entries to calls of the Kiln runtime (LLVM dialect)";
  let description = [{
    In the LLVM-dialect functions marked `kiln.cuda_entry` (first argument the context, second
    the stream): each `gpu.launch_func` becomes `kiln_cuda_launch(ctx, stream, module, name,
    grid, block, shared, args)` with the kernel's arguments stored in a stack array;
    `malloc`/`free` of intermediate buffers become `kiln_cuda_alloc`/`kiln_cuda_free` (device
    memory, ordered on the stream); the returned status becomes `kiln_cuda_finish(ctx, stream)`,
    which reports the first failure of the call. `module` is the address of the external
    `__kiln_cuda_module`, which kilnc defines with the cubins (kiln/abi.h).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // KILN_COMPILER_PASSES_TD
