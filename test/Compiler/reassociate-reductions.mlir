// RUN: kiln-opt %s --kiln-reassociate-reductions | FileCheck %s

// The accumulating addf of a row sum may be reassociated (so that it vectorizes); the ops that
// compute the summed values keep exact semantics.
// CHECK-LABEL: func.func @row_sum_of_exp
// CHECK: math.exp %{{.+}} : f32
// CHECK: arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
func.func @row_sum_of_exp(%x: memref<4x16xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x16xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %e = math.exp %in : f32
    %s = arith.addf %e, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// A max reduction keeps its other flags and gains reassoc.
// CHECK-LABEL: func.func @row_max
// CHECK: arith.maximumf %{{.+}}, %{{.+}} fastmath<reassoc,nnan> : f32
func.func @row_max(%x: memref<4x16xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x16xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc fastmath<nnan> : f32
    linalg.yield %m : f32
  }
  return
}

// Elementwise generics and a yielded value that does not fold the accumulator are untouched.
// CHECK-LABEL: func.func @not_reductions
// CHECK-NOT: fastmath
// CHECK: return
func.func @not_reductions(%x: memref<4x16xf32>, %out: memref<4x16xf32>, %last: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x16xf32>) outs(%last : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  }
  return
}
