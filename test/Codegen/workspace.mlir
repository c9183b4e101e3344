// Static memory planning: the matmul's result (an intermediate that fusion keeps, since
// matmuls are never fused) and its packing buffers live in one workspace, whose size the header
// reports and which the entry gets from the context or a per-thread arena.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: kilnc %s --module-name=w -o %t.dir/w.o --header=%t.dir/w.h
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/w.h
// RUN: %cc -std=c11 -Wall -Wextra -Werror -I%t.dir -I%S/../../runtime/include %S/Inputs/workspace_main.c %t.dir/w.o -lm -o %t.exe
// RUN: %t.exe | FileCheck %s --check-prefix=MAIN
// RUN: kilnc %s --module-name=w --emit=llvm -o - | FileCheck %s
// RUN: kilnc %s --emit=shared -o %t.so
// RUN: %python -c "import numpy as n; r = n.random.default_rng(3); [n.save('%t.%%s.npy' %% k, r.standard_normal((24, 24)).astype(n.float32)) for k in 'xw']"
// RUN: kiln-run %t.so --input %t.x.npy --input %t.w.npy --output %t.y.npy
// RUN: %python -c "import numpy as n; x, w, y = (n.load('%t.%%s.npy' %% k).astype(n.float64) for k in 'xwy'); e = n.maximum(x @ w, 0) + 1; assert n.allclose(y, e, rtol=1e-5, atol=1e-5), abs(y - e).max()"

// HEADER: #define KILN_W_WORKSPACE_SIZE [[SIZE:[1-9][0-9]*]]ULL
// HEADER: #define KILN_W_GRAPH_WORKSPACE_SIZE [[SIZE]]ULL

// MAIN: app workspace: 1 call(s), [[BYTES:[0-9]+]] bytes requested, header says [[BYTES]]
// An application's context gets the kernel starts too: the matmul's (0), into whose tiles
// relu and the add are fused, once.
// MAIN: kernels started: 0{{$}}
// MAIN: without memory: status 10

// The entry asks for the workspace and calls the planned body; no malloc on the call path
// except the arena's first growth.
// CHECK: define {{.*}}i32 @graph(ptr {{.*}}%0,
// CHECK: getelementptr inbounds nuw i8, ptr %{{0|\.fr\.i}}, i64 8
// CHECK: @llvm.threadlocal.address.p0(ptr @__kiln_w_arena)
// CHECK: @aligned_alloc(i64 64
// CHECK-NOT: @malloc
kiln.graph @graph(%x: tensor<24x24xf32>, %w: tensor<24x24xf32>) -> tensor<24x24xf32> {
  %m = kiln.matmul %x, %w : (tensor<24x24xf32>, tensor<24x24xf32>) -> tensor<24x24xf32>
  %r = kiln.relu %m : (tensor<24x24xf32>) -> tensor<24x24xf32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %y = kiln.add %r, %one : (tensor<24x24xf32>, tensor<f32>) -> tensor<24x24xf32>
  kiln.return %y : tensor<24x24xf32>
}
