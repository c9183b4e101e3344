// A select on a boolean mask (a graph input, one byte per element) loads the mask a vector of
// bytes at a time (kiln-widen-bool-memory): no scalar i1 load is left for LLVM to gather lane by
// lane.
// RUN: kilnc %s --target=x86-64-v4 --emit=llvm -o - | FileCheck %s

// CHECK-LABEL: define {{.*}}@masked(
// CHECK-NOT:   load i1
// CHECK:       load <16 x i8>
// CHECK:       trunc <16 x i8> %{{.*}} to <16 x i1>
// CHECK:       select <16 x i1>
// CHECK-NOT:   load i1
// CHECK:       ret i32
kiln.graph @masked(%m: tensor<16x1024xi1>, %x: tensor<16x1024xf32>) -> tensor<16x1024xf32> {
  %c = kiln.constant dense<-1.000000e+09> : tensor<f32>
  %0 = kiln.select %m, %x, %c : (tensor<16x1024xi1>, tensor<16x1024xf32>, tensor<f32>) -> tensor<16x1024xf32>
  kiln.return %0 : tensor<16x1024xf32>
}
