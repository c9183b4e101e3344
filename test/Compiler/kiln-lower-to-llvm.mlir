// RUN: kiln-opt %s --kiln-cpu-pipeline | FileCheck %s
// RUN: kiln-opt %s --kiln-cpu-pipeline=approximate-math=false | FileCheck %s --check-prefix=LIBM

// The entry takes bare pointers (context, inputs, outputs) and returns an i32 status.
// CHECK-LABEL: llvm.func @f(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> i32
// f32 exp is a polynomial (vectorizable), not a libm call.
// CHECK-NOT: llvm.call @expf
// CHECK: llvm.fmul
// CHECK: llvm.return %{{.+}} : i32
// Without the approximations exp is LLVM's intrinsic, which the backend turns into libm's expf.
// LIBM-LABEL: llvm.func @f(
// LIBM: llvm.intr.exp
kiln.graph @f(%a: tensor<33xf32>) -> tensor<33xf32> {
  %0 = kiln.exp %a : (tensor<33xf32>) -> tensor<33xf32>
  kiln.return %0 : tensor<33xf32>
}
