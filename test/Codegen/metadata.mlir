// RUN: kilnc %s --target=x86-64-v3 --module-name=m --emit=llvm -o - | FileCheck %s
// RUN: kilnc %s --target=x86-64-v3 --emit=shared -o %t.so
// RUN: llvm-nm -D --defined-only %t.so | FileCheck %s --check-prefix=SYMS

// Module metadata per kiln/abi.h: magic "KILN", ABI version 5, 2 graphs, target, features and
// the one CPU variant with its name function. Each graph names its kernels after its ops'
// places in the file (no directories: no build paths in the artifact).
// CHECK-DAG: @__kiln_m_str{{.*}} = private unnamed_addr constant [10 x i8] c"x86-64-v3\00"
// CHECK-DAG: c"sse3,ssse3,sse4.1,sse4.2,popcnt,avx,avx2,bmi,bmi2,f16c,fma\00"
// CHECK-DAG: @__kiln_m_second_a_shape = private constant [3 x i64] [i64 2, i64 1, i64 4]
// CHECK-DAG: @m_metadata = {{.*}}constant %kiln_module_metadata { i32 1313622347, i32 5, i32 2, i32 0, ptr @__kiln_m_graphs, {{.*}}, ptr @m_cpu_variant }
// CHECK-DAG: @__kiln_m_str[[K1:.*]] = private unnamed_addr constant [19 x i8] c"metadata.mlir:32:8\00"
// CHECK-DAG: @__kiln_m_str[[K2:.*]] = private unnamed_addr constant [19 x i8] c"metadata.mlir:33:8\00"
// CHECK-DAG: @__kiln_m_second_kernels = private constant [2 x ptr] [ptr @__kiln_m_str[[K1]], ptr @__kiln_m_str[[K2]]]
// CHECK-DAG: %kiln_graph_info { ptr @{{.*}}, ptr @second_argv, ptr @__kiln_m_second_args, i32 2, i32 2, ptr null, ptr @__kiln_m_second_kernels, i32 2, i32 0 }
// CHECK-DAG: define {{.*}}ptr @m_cpu_variant()
// CHECK-DAG: define {{.*}}i32 @first_argv(ptr {{.*}}%0, ptr {{.*}}%1)
// CHECK-DAG: define {{.*}}i32 @second(ptr
// The runtime symbol exists only in shared artifacts.
// CHECK-NOT: @kiln_module_metadata

// SYMS-DAG: T first
// SYMS-DAG: T first_argv
// SYMS-DAG: T second
// SYMS-DAG: T second_argv
// SYMS-DAG: kiln_module_metadata
kiln.graph @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}
kiln.graph @second(%a: tensor<2x1x4xi32>, %b: tensor<4xi32>) -> (tensor<2x1x4xi32>, tensor<i32>) {
  %0 = kiln.add %a, %b : (tensor<2x1x4xi32>, tensor<4xi32>) -> tensor<2x1x4xi32>
  %1 = kiln.reduce_sum %b {axes = array<i64: 0>} : (tensor<4xi32>) -> tensor<i32>
  kiln.return %0, %1 : tensor<2x1x4xi32>, tensor<i32>
}
