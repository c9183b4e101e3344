// RUN: kiln-opt %s --kiln-distinct-results | FileCheck %s

// A value returned twice gets a copy for its second result, so that each result can become its
// own out-parameter.
// CHECK-LABEL: func.func @twice(
// CHECK:         %[[SUM:.*]] = arith.addf
// CHECK:         %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[SUM]]) : tensor<4xf32>
// CHECK:         return %[[SUM]], %[[COPY]] : tensor<4xf32>, tensor<4xf32>
func.func @twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0, %0 : tensor<4xf32>, tensor<4xf32>
}

// Distinct values, arguments included, are returned as they are.
// CHECK-LABEL: func.func @distinct(
// CHECK-SAME:      %[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NOT:     bufferization.alloc_tensor
// CHECK:         return %[[A]], %[[B]]
func.func @distinct(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// The same value three times: two copies.
// CHECK-LABEL: func.func @thrice(
// CHECK-SAME:      %[[Y:.*]]: tensor<2xi32>)
// CHECK:         %[[C1:.*]] = bufferization.alloc_tensor() copy(%[[Y]])
// CHECK:         %[[C2:.*]] = bufferization.alloc_tensor() copy(%[[Y]])
// CHECK:         return %[[Y]], %[[C1]], %[[C2]]
func.func @thrice(%y: tensor<2xi32>) -> (tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) {
  return %y, %y, %y : tensor<2xi32>, tensor<2xi32>, tensor<2xi32>
}
