// RUN: kiln-opt %s --kiln-to-linalg="softmax-scales-in-place=true" --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-bufferize --convert-linalg-to-parallel-loops --kiln-fuse-row-loops \
// RUN:   --split-input-file | FileCheck %s --check-prefix=ROWS

// The CPU's softmax: exp(x - max) once per element, written to the result and scaled there.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:   arith.maximumf
// CHECK: %[[EXP:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[MAX]] :
// CHECK:   arith.subf
// CHECK:   math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] :
// CHECK:   arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[SUM]] : tensor<3xf32>) outs(%[[EXP]] : tensor<3x10xf32>)
// CHECK: ^bb0(%[[S:.+]]: f32, %[[E:.+]]: f32):
// CHECK:   %[[INV:.+]] = arith.divf %{{.+}}, %[[S]] : f32
// CHECK:   arith.mulf %[[E]], %[[INV]] : f32
// CHECK-NOT: math.exp
// CHECK: return

// After bufferization the passes over a row are one loop: one scf.parallel over the rows and
// no exponential outside it.
// ROWS-LABEL: func.func @softmax
// ROWS: scf.parallel (%{{[^)]+}}) = (%c0) to (%c3)
// ROWS-COUNT-1: math.exp
// ROWS-NOT: math.exp
// ROWS-NOT: scf.parallel (%{{[^)]+}}) = (%c0) to (%c3)
// ROWS: return
kiln.graph @softmax(%a: tensor<3x10xf32>) -> tensor<3x10xf32> {
  %0 = kiln.softmax %a {axis = -1 : i64} : (tensor<3x10xf32>) -> tensor<3x10xf32>
  kiln.return %0 : tensor<3x10xf32>
}

// -----

// f16 computes in f32 and rounds once: the exponentials cannot live in the result.
// CHECK-LABEL: func.func @softmax_f16
// CHECK-COUNT-2: math.exp
// CHECK: return
// ROWS-LABEL: func.func @softmax_f16
kiln.graph @softmax_f16(%a: tensor<3x10xf16>) -> tensor<3x10xf16> {
  %0 = kiln.softmax %a {axis = -1 : i64} : (tensor<3x10xf16>) -> tensor<3x10xf16>
  kiln.return %0 : tensor<3x10xf16>
}
