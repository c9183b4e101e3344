// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// cumsum: a loop along the axis carrying the running sum row; reverse walks it from its end.
// Each step adds the input's row in place and stores the sum as the result's row.
// CHECK-LABEL: func.func @cumsum(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x7xf32>)
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<4x7xf32>
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[SUM:.+]] = %[[ZEROS]], %[[OUT:.+]] = %[[EMPTY]])
// CHECK: %[[AT:.+]] = arith.subi %{{.+}}, %[[I]] : index
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[X]][0, %[[AT]]] [4, 1] [1, 1] : tensor<4x7xf32> to tensor<4x1xf32>
// CHECK: %[[ROW:.+]] = tensor.collapse_shape %[[SLICE]] {{\[\[}}0, 1]] : tensor<4x1xf32> into tensor<4xf32>
// CHECK: %[[NEXT:.+]] = linalg.generic {{.+}} ins(%[[ROW]] : tensor<4xf32>) outs(%[[SUM]] : tensor<4xf32>)
// CHECK: arith.addf
// CHECK: %[[UNIT:.+]] = tensor.expand_shape %[[NEXT]] {{\[\[}}0, 1]] output_shape [4, 1]
// CHECK: %[[STORED:.+]] = tensor.insert_slice %[[UNIT]] into %[[OUT]][0, %[[AT]]] [4, 1] [1, 1]
// CHECK: scf.yield %[[NEXT]], %[[STORED]]
// CHECK: return %[[LOOP]]#1
kiln.graph @cumsum(%x: tensor<4x7xf32>) -> tensor<4x7xf32> {
  %0 = kiln.cumsum %x {axis = 1 : i64, reverse = true} : (tensor<4x7xf32>) -> tensor<4x7xf32>
  kiln.return %0 : tensor<4x7xf32>
}

// -----

// Exclusive: the row is stored (rounded to f16, into the result's own row) before its term is
// added; the sum is f32.
// CHECK-LABEL: func.func @cumsum_exclusive(
// CHECK: scf.for %[[I:.+]] = %{{.+}} iter_args(%[[SUM:.+]] = %{{.+}}, %[[OUT:.+]] = %{{.+}}) -> (tensor<3xf32>, tensor<5x3xf16>)
// CHECK: %[[DEST:.+]] = tensor.extract_slice %[[OUT]][%[[I]], 0] [1, 3] [1, 1] : tensor<5x3xf16> to tensor<1x3xf16>
// CHECK: %[[ROUNDED:.+]] = linalg.generic {{.+}} ins(%[[SUM]] : tensor<3xf32>) outs(%[[DEST]] : tensor<1x3xf16>)
// CHECK: arith.truncf
// CHECK: tensor.insert_slice %[[ROUNDED]] into %[[OUT]][%[[I]], 0] [1, 3] [1, 1]
// CHECK: linalg.generic {{.+}} outs(%[[SUM]] : tensor<3xf32>)
// CHECK: arith.extf
// CHECK: arith.addf
kiln.graph @cumsum_exclusive(%x: tensor<5x3xf16>) -> tensor<5x3xf16> {
  %0 = kiln.cumsum %x {exclusive = true} : (tensor<5x3xf16>) -> tensor<5x3xf16>
  kiln.return %0 : tensor<5x3xf16>
}

// -----

// top_k: k passes, each one reduction over the axis starting after the previous pass' choice
// (first: a sentinel that ranks before everything, INT_MIN for the smallest, index -1). It
// takes an element that ranks after the previous choice and before the best so far. Every row
// the passes write is carried by the loop and refilled in place.
// CHECK-LABEL: func.func @top_k(
// CHECK-SAME: %[[X:[^:]+]]: tensor<9xi32>)
// CHECK: %[[MIN:.+]] = arith.constant -2147483648 : i32
// CHECK: %[[START:.+]] = linalg.fill ins(%[[MIN]] : i32)
// CHECK: %[[NONE:.+]] = arith.constant -1 : i64
// CHECK: %[[START_INDEX:.+]] = linalg.fill ins(%[[NONE]] : i64)
// CHECK: scf.for %[[J:.+]] = %{{.+}} iter_args(%[[VALUES:.+]] = %{{.+}}, %[[INDICES:.+]] = %{{.+}}, %[[PREV:.+]] = %[[START]], %[[PREV_INDEX:.+]] = %[[START_INDEX]], %[[ROW:.+]] = %{{.+}}, %[[ROW_INDEX:.+]] = %{{.+}})
// CHECK: %[[NO_BEST:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%[[ROW]] : tensor<i32>)
// CHECK: %[[NO_BEST_INDEX:.+]] = linalg.fill ins(%{{.+}} : i64) outs(%[[ROW_INDEX]] : tensor<i64>)
// CHECK: %[[PASS:.+]]:2 = linalg.generic {{.+}} iterator_types = ["reduction"]} ins(%[[X]], %[[PREV]], %[[PREV_INDEX]] : tensor<9xi32>, tensor<i32>, tensor<i64>) outs(%[[NO_BEST]], %[[NO_BEST_INDEX]] : tensor<i32>, tensor<i64>)
// CHECK: ^bb0(%[[IN:.+]]: i32, %[[P:.+]]: i32, %[[PI:.+]]: i64, %[[BEST:.+]]: i32, %[[BEST_INDEX:.+]]: i64):
// CHECK: %[[POS:.+]] = arith.index_cast
// CHECK: %[[EARLIER:.+]] = arith.cmpi slt, %[[PI]], %[[POS]] : i64
// CHECK: %[[SMALLER:.+]] = arith.cmpi slt, %[[P]], %[[IN]] : i32
// CHECK: %[[SAME:.+]] = arith.cmpi eq, %[[P]], %[[IN]] : i32
// CHECK: %[[TIE:.+]] = arith.andi %[[SAME]], %[[EARLIER]]
// CHECK: %[[AFTER_PREV:.+]] = arith.ori %[[SMALLER]], %[[TIE]]
// CHECK: %[[FIRST:.+]] = arith.cmpi slt, %[[BEST_INDEX]], %{{.+}} : i64
// CHECK: %[[BETTER:.+]] = arith.ori %[[FIRST]], %{{.+}}
// CHECK: %[[TAKE:.+]] = arith.andi %[[AFTER_PREV]], %[[BETTER]]
// CHECK: arith.select %[[TAKE]], %[[IN]], %[[BEST]]
// CHECK: arith.select %[[TAKE]], %[[POS]], %[[BEST_INDEX]]
// CHECK: %[[V1:.+]] = tensor.expand_shape %[[PASS]]#0 [] output_shape [1] : tensor<i32> into tensor<1xi32>
// CHECK: %[[V:.+]] = tensor.insert_slice %[[V1]] into %[[VALUES]][%[[J]]] [1] [1]
// CHECK: %[[I1:.+]] = tensor.expand_shape %[[PASS]]#1 [] output_shape [1] : tensor<i64> into tensor<1xi64>
// CHECK: %[[I:.+]] = tensor.insert_slice %[[I1]] into %[[INDICES]][%[[J]]] [1] [1]
// CHECK: %[[NEXT:.+]] = linalg.copy ins(%[[PASS]]#0 : tensor<i32>) outs(%[[PREV]] : tensor<i32>)
// CHECK: %[[NEXT_INDEX:.+]] = linalg.copy ins(%[[PASS]]#1 : tensor<i64>) outs(%[[PREV_INDEX]] : tensor<i64>)
// CHECK: scf.yield %[[V]], %[[I]], %[[NEXT]], %[[NEXT_INDEX]], %[[PASS]]#0, %[[PASS]]#1
kiln.graph @top_k(%x: tensor<9xi32>) -> (tensor<2xi32>, tensor<2xi64>) {
  %v, %i = kiln.top_k %x {k = 2 : i64, largest = false} : (tensor<9xi32>) -> (tensor<2xi32>, tensor<2xi64>)
  kiln.return %v, %i : tensor<2xi32>, tensor<2xi64>
}

// -----

// Among the largest floats the first pass starts after NaN (NaN ranks first).
// CHECK-LABEL: func.func @top_k_float(
// CHECK: %[[NAN:.+]] = arith.constant 0x7FC00000 : f32
// CHECK: linalg.fill ins(%[[NAN]] : f32)
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ogt
kiln.graph @top_k_float(%x: tensor<2x9xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %v, %i = kiln.top_k %x {k = 3 : i64} : (tensor<2x9xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  kiln.return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// Rows drop the axis through an explicit reassociation: with several unit dimensions a
// rank-reducing slice would be ambiguous (the canonicalizer dropped the wrong one).
// CHECK-LABEL: func.func @cumsum_unit_dims(
// CHECK: tensor.extract_slice %{{.+}}[0, 0, %{{.+}}] [1, 3, 1] [1, 1, 1] : tensor<1x3x1xf32> to tensor<1x3x1xf32>
// CHECK: tensor.collapse_shape %{{.+}} {{\[\[}}0], [1, 2]] : tensor<1x3x1xf32> into tensor<1x3xf32>
kiln.graph @cumsum_unit_dims(%x: tensor<1x3x1xf32>) -> tensor<1x3x1xf32> {
  %0 = kiln.cumsum %x {axis = 2 : i64} : (tensor<1x3x1xf32>) -> tensor<1x3x1xf32>
  kiln.return %0 : tensor<1x3x1xf32>
}
