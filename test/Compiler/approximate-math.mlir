// RUN: kiln-opt %s --kiln-approximate-math | FileCheck %s

// f32 transcendentals, scalar and vector, become polynomials (fma chains) that the loop
// vectorizer can vectorize; f64 is left to libm.
// CHECK-LABEL: func.func @transcendentals(
// CHECK-SAME:      %[[X:.*]]: f32, %[[V:.*]]: vector<8xf32>, %[[D:.*]]: f64)
// CHECK-NOT:     math.exp %[[X]]
// CHECK-NOT:     math.tanh
// CHECK:         math.fma %{{.*}} : f32
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

// f32 exp is Kiln's own (not MLIR's): x clamped to [-87.6, 88.73] with NaN kept (unordered
// compares select x), k + 126 rounded into the low bits of x log2(e) + 1.5 * 2^23 + 126 and
// shifted into the exponent of 2^(k-1), t = x - k ln2 in two parts, a degree-6 polynomial
// for 2 e^t (Horner, highest coefficient first) ending in + 2 (so exp(0) = 1), times
// 2^(k-1). No floor and no float-to-int conversion, which MLIR's needs.
// CHECK-LABEL: func.func @exp_f32(
// CHECK-SAME:      %[[V:.*]]: vector<16xf32>)
// CHECK-DAG:     %[[TWO:.*]] = arith.constant dense<2.000000e+00> : vector<16xf32>
// CHECK-DAG:     %[[LN2HI:.*]] = arith.constant dense<-0.693147182> : vector<16xf32>
// CHECK-DAG:     %[[LN2LO:.*]] = arith.constant dense<1.90465421E-9> : vector<16xf32>
// CHECK-DAG:     %[[SHIFT:.*]] = arith.constant dense<23> : vector<16xi32>
// CHECK-DAG:     %[[LOG2E:.*]] = arith.constant dense<1.44269502> : vector<16xf32>
// CHECK-DAG:     %[[MAGIC:.*]] = arith.constant dense<0x4B40007E> : vector<16xf32>
// CHECK-DAG:     %[[LO:.*]] = arith.constant dense<-8.760000e+01> : vector<16xf32>
// CHECK-DAG:     %[[HI:.*]] = arith.constant dense<8.873000e+01> : vector<16xf32>
// CHECK-DAG:     %[[C2:.*]] = arith.constant dense<1.00000012> : vector<16xf32>
// CHECK-DAG:     %[[C3:.*]] = arith.constant dense<0.333327323> : vector<16xf32>
// CHECK-DAG:     %[[C4:.*]] = arith.constant dense<0.0833295509> : vector<16xf32>
// CHECK-DAG:     %[[C5:.*]] = arith.constant dense<0.0167580228> : vector<16xf32>
// CHECK-DAG:     %[[C6:.*]] = arith.constant dense<0.00281224819> : vector<16xf32>
// CHECK:         %[[GE:.*]] = arith.cmpf uge, %[[V]], %[[LO]]
// CHECK:         %[[X1:.*]] = arith.select %[[GE]], %[[V]], %[[LO]]
// CHECK:         %[[LE:.*]] = arith.cmpf ule, %[[X1]], %[[HI]]
// CHECK:         %[[X:.*]] = arith.select %[[LE]], %[[X1]], %[[HI]]
// CHECK:         %[[N:.*]] = math.fma %[[X]], %[[LOG2E]], %[[MAGIC]]
// CHECK:         %[[K:.*]] = arith.subf %[[N]], %[[MAGIC]]
// CHECK:         %[[BITS:.*]] = arith.bitcast %[[N]] : vector<16xf32> to vector<16xi32>
// CHECK:         %[[EXPONENT:.*]] = arith.shli %[[BITS]], %[[SHIFT]]
// CHECK:         %[[SCALE:.*]] = arith.bitcast %[[EXPONENT]] : vector<16xi32> to vector<16xf32>
// CHECK:         %[[T1:.*]] = math.fma %[[K]], %[[LN2HI]], %[[X]]
// CHECK:         %[[T:.*]] = math.fma %[[K]], %[[LN2LO]], %[[T1]]
// CHECK:         %[[P5:.*]] = math.fma %[[C6]], %[[T]], %[[C5]]
// CHECK:         %[[P4:.*]] = math.fma %[[P5]], %[[T]], %[[C4]]
// CHECK:         %[[P3:.*]] = math.fma %[[P4]], %[[T]], %[[C3]]
// CHECK:         %[[P2:.*]] = math.fma %[[P3]], %[[T]], %[[C2]]
// CHECK:         %[[Q1:.*]] = math.fma %[[P2]], %[[T]], %[[TWO]]
// CHECK:         %[[Q:.*]] = math.fma %[[Q1]], %[[T]], %[[TWO]]
// CHECK:         %[[E:.*]] = arith.mulf %[[Q]], %[[SCALE]]
// CHECK-NOT:     math.floor
// CHECK:         return %[[E]]
func.func @exp_f32(%v: vector<16xf32>) -> vector<16xf32> {
  %0 = math.exp %v : vector<16xf32>
  return %0 : vector<16xf32>
}
