// RUN: kiln-opt %s --kiln-approximate-math | FileCheck %s

// f32 transcendentals, scalar and vector, become polynomials (fma chains) that the loop
// vectorizer can vectorize; f64 is left to libm.
// CHECK-LABEL: func.func @transcendentals(
// CHECK-SAME:      %[[X:.*]]: f32, %[[V:.*]]: vector<8xf32>, %[[D:.*]]: f64)
// CHECK-NOT:     math.exp %[[X]]
// CHECK-NOT:     math.tanh
// CHECK:         math.floor %{{.*}} : f32
// CHECK-COUNT-2: math.fma %{{.*}} : f32
// CHECK:         math.absf %[[V]] : vector<8xf32>
// CHECK-COUNT-2: math.fma %{{.*}} : vector<8xf32>
// CHECK:         %[[EXP64:.*]] = math.exp %[[D]] : f64
// CHECK:         return %{{.*}}, %{{.*}}, %[[EXP64]] : f32, vector<8xf32>, f64
func.func @transcendentals(%x: f32, %v: vector<8xf32>, %d: f64) -> (f32, vector<8xf32>, f64) {
  %0 = math.exp %x : f32
  %1 = math.tanh %v : vector<8xf32>
  %2 = math.exp %d : f64
  return %0, %1, %2 : f32, vector<8xf32>, f64
}
