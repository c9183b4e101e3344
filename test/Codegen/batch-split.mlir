// A batch-separable graph compiled in chunks (kilnc --batch-chunk, kiln-split-batch): the entry
// calls the code once per chunk, each time with every input and output advanced by one chunk,
// in order with one workspace of a chunk's size, or spread over threads with one per task. The
// header keeps the whole batch.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: kilnc %s --batch-chunk=2 --emit=llvm -O0 -o - | FileCheck %s
// RUN: kilnc %s --batch-chunk=2 --emit=header -o %t.dir/split.h
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/split.h
// RUN: kilnc %s --batch-chunk=2 --emit=shared -o %t.dir/split.so
// RUN: kilnc %s --batch-chunk=-1 --emit=header -o %t.dir/whole.h
// RUN: %python -c "import re; size = lambda f: int(re.search(r'NET_WORKSPACE_SIZE (\d+)', open(f).read()).group(1)); c, w = size('%t.dir/split.h'), size('%t.dir/whole.h'); assert 0 < c < w, (c, w)"
// RUN: %python -c "import numpy as n; r = n.random.default_rng(5); [n.save('%t.dir/%%s.npy' %% k, r.standard_normal(s).astype(n.float32)) for k, s in (('x', (4, 3, 8, 8)), ('s', (4, 10)), ('p', (6, 5)))]"
// RUN: kiln-run %t.dir/split.so --graph net --input %t.dir/x.npy --input %t.dir/s.npy --output %t.dir/z.npy --output %t.dir/r.npy
// RUN: kiln-interp %s --graph net --input %t.dir/x.npy --input %t.dir/s.npy --output %t.dir/z_ref.npy --output %t.dir/r_ref.npy
// RUN: kiln-run %t.dir/split.so --graph plain --input %t.dir/p.npy --output %t.dir/e.npy
// RUN: kiln-interp %s --graph plain --input %t.dir/p.npy --output %t.dir/e_ref.npy
// The float64 reference, to f32 rounding (the convolution sums 27 products, the mean 64 terms).
// RUN: %python -c "import numpy as n; l = lambda k: n.load('%t.dir/%%s.npy' %% k); [n.testing.assert_allclose(l(k), l(k + '_ref'), rtol=1e-5, atol=1e-5) for k in ('z', 'r', 'e')]"
// On 1 thread the 2 chunks run in order, on 2 they are spread, on 3 they run in order again,
// each sharing its loops; the results are the same bits.
// RUN: kiln-run %t.dir/split.so --graph net --threads 1 --input %t.dir/x.npy --input %t.dir/s.npy --output %t.dir/z1.npy --output %t.dir/r1.npy
// RUN: kiln-run %t.dir/split.so --graph net --threads 3 --input %t.dir/x.npy --input %t.dir/s.npy --output %t.dir/z3.npy --output %t.dir/r3.npy
// RUN: kiln-run %t.dir/split.so --graph net --threads 2 --input %t.dir/x.npy --input %t.dir/s.npy --output %t.dir/z2.npy --output %t.dir/r2.npy
// RUN: %python -c "import numpy as n; l = lambda k: n.load('%t.dir/%%s.npy' %% k); [n.testing.assert_array_equal(l(k + '1'), l(k + t)) for k in 'zr' for t in '23']"

// An application's pool sees one loop over the chunks when they are spread, and no loop inside
// another in any case (Inputs/batch_split_main.c).
// RUN: mkdir -p %t.dir/c
// RUN: kilnc %s --batch-chunk=2 --module-name=split -o %t.dir/c/split.o --header=%t.dir/c/split.h
// RUN: %cc -std=c11 -Wall -Wextra -Werror -I%t.dir/c -I%S/../../runtime/include %S/Inputs/batch_split_main.c %t.dir/c/split.o -Wl,--undefined=kiln_parallel_for %kiln_lib/libkiln_runtime.a -lstdc++ -lm -ldl -lpthread -o %t.dir/c/main
// RUN: %t.dir/c/main | FileCheck %s --check-prefix=POOL
// POOL: 2 threads: 1 loop(s), the first of 2, nested 1 deep
// POOL-NEXT: 4 threads: {{[2-9]|[1-9][0-9]+}} loop(s), the first of {{[0-9]+}}, nested 1 deep
// POOL-NEXT: own context: {{[2-9]|[1-9][0-9]+}} loop(s), nested 1 deep

// Each call asks the runtime, when it is linked and the context is NULL or its own, whether
// to spread the chunks over threads (kiln_spread_chunks: yes when every thread gets as many).
// CHECK-LABEL: define {{.*}}i32 @net(ptr %0, ptr %1, ptr %2, ptr %3, ptr %4)
// CHECK: %[[CLOSURE:.+]] = alloca { ptr, i32, [4 x ptr] }
// CHECK: icmp ne ptr @kiln_spread_chunks, null
// CHECK: check_context:
// CHECK-NEXT: icmp eq ptr %0, null
// CHECK: own_context:
// CHECK-NEXT: %[[PFOR:.+]] = load ptr, ptr %0
// CHECK-NEXT: icmp eq ptr %[[PFOR]], @kiln_parallel_for
// CHECK: ask_runtime:
// CHECK-NEXT: call i32 @kiln_spread_chunks(ptr %0, i64 2)
// Spread: the chunks are the iterations of one kiln_parallel_for, and the first failing status
// a task records is the call's.
// CHECK: spread_chunks:
// CHECK: store i32 0, ptr %[[STATUS_SLOT:[^,]+]]
// CHECK: call void @kiln_parallel_for(ptr %0, i64 2, ptr @net.chunks, ptr %[[CLOSURE]])
// CHECK-NEXT: %[[SPREAD_STATUS:.+]] = load i32, ptr %[[STATUS_SLOT]]
// CHECK-NEXT: ret i32 %[[SPREAD_STATUS]]
// In order: one workspace of a chunk's size; each call advances x by 2 x 3 x 8 x 8 floats, s
// and z by 2 x 10, r by 2 x 8 x 8 x 16, and a failing call's status is returned at once.
// CHECK: chunks_in_order:
// CHECK-NEXT: %[[WS:.+]] = call ptr @__kiln_batch_split_workspace(ptr %0, i64 {{[1-9][0-9]*}})
// CHECK: chunk:
// CHECK-NEXT: %[[I:.+]] = phi i64 [ 0, %run ], [ %[[NEXT:.+]], %call_chunk ]
// CHECK-NEXT: %[[MORE:.+]] = icmp slt i64 %[[I]], 2
// CHECK-NEXT: br i1 %[[MORE]], label %call_chunk, label %chunks_done
// CHECK: call_chunk:
// CHECK-NEXT: %[[XO:.+]] = mul i64 %[[I]], 1536
// CHECK-NEXT: %[[X:.+]] = getelementptr inbounds i8, ptr %1, i64 %[[XO]]
// CHECK-NEXT: %[[SO:.+]] = mul i64 %[[I]], 80
// CHECK-NEXT: %[[S:.+]] = getelementptr inbounds i8, ptr %2, i64 %[[SO]]
// CHECK-NEXT: %[[ZO:.+]] = mul i64 %[[I]], 80
// CHECK-NEXT: %[[Z:.+]] = getelementptr inbounds i8, ptr %3, i64 %[[ZO]]
// CHECK-NEXT: %[[RO:.+]] = mul i64 %[[I]], 8192
// CHECK-NEXT: %[[R:.+]] = getelementptr inbounds i8, ptr %4, i64 %[[RO]]
// CHECK-NEXT: %[[STATUS:.+]] = call i32 @net.body(ptr %0, ptr %[[WS]], ptr %[[X]], ptr %[[S]], ptr %[[Z]], ptr %[[R]])
// CHECK-NEXT: %[[NEXT]] = add i64 %[[I]], 1
// CHECK-NEXT: %[[FAILED:.+]] = icmp ne i32 %[[STATUS]], 0
// CHECK-NEXT: br i1 %[[FAILED]], label %chunk_failed, label %chunk
// CHECK: chunk_failed:
// CHECK-NEXT: %[[FAILURE:.+]] = phi i32 [ %[[STATUS]], %call_chunk ]
// CHECK-NEXT: ret i32 %[[FAILURE]]
// CHECK: chunks_done:
// CHECK-NEXT: ret i32 0

// The task runs chunks [begin, end) with a workspace of its own, through a context whose
// parallel_for runs inline, so that a chunk's loops never nest inside the caller's pool.
// CHECK-LABEL: define internal void @net.chunks(ptr %0, i64 %1, i64 %2)
// CHECK: %[[OUTER:.+]] = load ptr, ptr
// CHECK: %[[INNER:.+]] = alloca [3 x ptr]
// CHECK: store ptr @__kiln_inline_parallel_for, ptr
// CHECK-COUNT-2: store ptr null, ptr
// CHECK: %[[TASK_WS:.+]] = call ptr @__kiln_batch_split_workspace(ptr %[[OUTER]], i64 {{[1-9][0-9]*}})
// CHECK: no_workspace:
// CHECK: cmpxchg ptr %{{.+}}, i32 0, i32 10 monotonic monotonic
// CHECK: %[[C:.+]] = phi i64 [ %1, %run ]
// CHECK-NEXT: icmp slt i64 %[[C]], %2
// CHECK: call i32 @net.body(ptr %[[INNER]], ptr %[[TASK_WS]],
// CHECK: chunk_failed:
// CHECK-NEXT: %[[TASK_FAILURE:.+]] = phi i32
// CHECK: cmpxchg ptr %{{.+}}, i32 0, i32 %[[TASK_FAILURE]] monotonic monotonic

// CHECK-LABEL: define internal void @__kiln_inline_parallel_for(ptr %0, i64 %1, ptr %2, ptr %3)
// CHECK: call void %2(ptr %3, i64 0, i64 %1)

// A graph without intermediates has no workspace: its code becomes @plain.chunk, called three
// times for a batch of 6.
// CHECK-LABEL: define {{.*}}i32 @plain(ptr %0, ptr %1, ptr %2)
// CHECK: call i32 @kiln_spread_chunks(ptr %0, i64 3)
// CHECK: call void @kiln_parallel_for(ptr %0, i64 3, ptr @plain.chunks,
// CHECK: icmp slt i64 %{{.+}}, 3
// CHECK: call i32 @plain.chunk(ptr %0,

// HEADER: #define KILN_BATCH_SPLIT_NET_X_SHAPE {4, 3, 8, 8}
// HEADER: #define KILN_BATCH_SPLIT_NET_RESULT1_SHAPE {4, 8, 8, 16}
// HEADER: #define KILN_BATCH_SPLIT_NET_WORKSPACE_SIZE {{[1-9][0-9]*}}ULL
kiln.graph @net(%x: tensor<4x3x8x8xf32>, %s: tensor<4x10xf32>) -> (tensor<4x10xf32>, tensor<4x8x8x16xf32>) {
  %t = kiln.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<4x3x8x8xf32>) -> tensor<4x8x8x3xf32>
  %w = kiln.constant dense<[[[[0.5, -0.25, 0.125, 1.0, -1.0, 0.75, 0.5, -0.5, 0.25, 0.0, 1.5, -1.5, 0.3, -0.3, 0.6, -0.6]]]]> : tensor<1x1x1x16xf32>
  %wb = kiln.broadcast_to %w : (tensor<1x1x1x16xf32>) -> tensor<3x3x3x16xf32>
  %c = kiln.conv2d %t, %wb {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<4x8x8x16xf32>
  %r = kiln.relu %c : (tensor<4x8x8x16xf32>) -> tensor<4x8x8x16xf32>
  %m = kiln.reduce_mean %r {axes = array<i64: 1, 2>} : (tensor<4x8x8x16xf32>) -> tensor<4x16xf32>
  %fw = kiln.constant dense<0.125> : tensor<16x10xf32>
  %y = kiln.matmul %m, %fw : (tensor<4x16xf32>, tensor<16x10xf32>) -> tensor<4x10xf32>
  %z = kiln.add %y, %s : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  kiln.return %z, %r : tensor<4x10xf32>, tensor<4x8x8x16xf32>
}

kiln.graph @plain(%x: tensor<6x5xf32>) -> tensor<6x5xf32> {
  %y = kiln.exp %x : (tensor<6x5xf32>) -> tensor<6x5xf32>
  kiln.return %y : tensor<6x5xf32>
}

// Each chunk of 2 x 256 x 1024 elements is one loop large enough for parallel_for.
kiln.graph @wide(%x: tensor<4x256x1024xf32>) -> tensor<4x256x1024xf32> {
  %y = kiln.exp %x : (tensor<4x256x1024xf32>) -> tensor<4x256x1024xf32>
  kiln.return %y : tensor<4x256x1024xf32>
}
