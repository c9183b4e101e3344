// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// A graph becomes a function with the C ABI's context pointer and status result.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @add_bcast(
// CHECK-SAME: %[[CTX:.+]]: !llvm.ptr, %[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<4xf32>, %[[C:.+]]: tensor<3x1xf32>) -> (tensor<3x4xf32>, i32)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3x4xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : {{.*}}) outs(%[[E]] : tensor<3x4xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[S:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK:   linalg.yield %[[S]]
// CHECK: %[[R2:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK:   arith.subf
// CHECK: %[[OK:.+]] = arith.constant 0 : i32
// CHECK: return %[[R2]], %[[OK]] : tensor<3x4xf32>, i32
kiln.graph @add_bcast(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %c: tensor<3x1xf32>) -> tensor<3x4xf32> {
  %0 = kiln.add %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %1 = kiln.sub %0, %c : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  kiln.return %1 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @float_ops
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.negf
// CHECK: math.absf
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: %[[ONE:.+]] = arith.constant 1.0
// CHECK: %[[SQ:.+]] = math.sqrt
// CHECK: arith.divf %[[ONE]], %[[SQ]]
// CHECK: math.tanh
// CHECK: %[[N:.+]] = arith.negf
// CHECK: %[[E:.+]] = math.exp %[[N]]
// CHECK: %[[D:.+]] = arith.addf %{{.+}}, %[[E]]
// CHECK: arith.divf %{{.+}}, %[[D]]
// CHECK: %[[Z:.+]] = arith.constant 0.0
// CHECK: arith.maximumf %{{.+}}, %[[Z]]
kiln.graph @float_ops(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = kiln.mul %a, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = kiln.div %0, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %2 = kiln.max %1, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %3 = kiln.min %2, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %4 = kiln.neg %3 : (tensor<8xf32>) -> tensor<8xf32>
  %5 = kiln.abs %4 : (tensor<8xf32>) -> tensor<8xf32>
  %6 = kiln.exp %5 : (tensor<8xf32>) -> tensor<8xf32>
  %7 = kiln.log %6 : (tensor<8xf32>) -> tensor<8xf32>
  %8 = kiln.sqrt %7 : (tensor<8xf32>) -> tensor<8xf32>
  %9 = kiln.rsqrt %8 : (tensor<8xf32>) -> tensor<8xf32>
  %10 = kiln.tanh %9 : (tensor<8xf32>) -> tensor<8xf32>
  %11 = kiln.sigmoid %10 : (tensor<8xf32>) -> tensor<8xf32>
  %12 = kiln.relu %11 : (tensor<8xf32>) -> tensor<8xf32>
  kiln.return %12 : tensor<8xf32>
}

// -----

// Integer division never traps: x / 0 = 0 and x / -1 = -x.
// CHECK-LABEL: func.func @int_ops
// CHECK: arith.addi
// CHECK: %[[Z:.+]] = arith.cmpi eq, %[[D:.+]], %{{.+}} : i32
// CHECK: %[[M:.+]] = arith.cmpi eq, %[[D]], %{{.+}} : i32
// CHECK: %[[U:.+]] = arith.ori %[[Z]], %[[M]]
// CHECK: %[[SAFE:.+]] = arith.select %[[U]]
// CHECK: arith.divsi %{{.+}}, %[[SAFE]]
// CHECK: arith.maxsi
// Integer abs is math.absi here; kiln-expand-math turns it into a select (expand-math.mlir).
// CHECK: math.absi %{{.+}} : i32
kiln.graph @int_ops(%a: tensor<8xi32>, %b: tensor<8xi32>) -> tensor<8xi32> {
  %0 = kiln.add %a, %b : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32>
  %1 = kiln.div %0, %b : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32>
  %2 = kiln.relu %1 : (tensor<8xi32>) -> tensor<8xi32>
  %3 = kiln.abs %2 : (tensor<8xi32>) -> tensor<8xi32>
  kiln.return %3 : tensor<8xi32>
}

// -----

// Shifts select around LLVM's poison for amounts of the width or more (compared as unsigned):
// a left shift gives 0, an arithmetic right shift shifts by N - 1 (the sign fill).
// CHECK-LABEL: func.func @shifts
// CHECK: ^bb0(%[[X:.+]]: i16, %[[N:.+]]: i16, %{{.+}}: i16):
// CHECK: %[[W:.+]] = arith.constant 16 : i16
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[N]], %[[W]] : i16
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i16
// CHECK: %[[AMOUNT:.+]] = arith.select %[[IN]], %[[N]], %[[ZERO]] : i16
// CHECK: %[[SHL:.+]] = arith.shli %[[X]], %[[AMOUNT]] : i16
// CHECK: arith.select %[[IN]], %[[SHL]], %[[ZERO]] : i16
// CHECK: ^bb0(%[[Y:.+]]: i16, %[[M:.+]]: i16, %{{.+}}: i16):
// CHECK: %[[IN2:.+]] = arith.cmpi ult, %[[M]], %{{.+}} : i16
// CHECK: %[[LAST:.+]] = arith.constant 15 : i16
// CHECK: %[[AMOUNT2:.+]] = arith.select %[[IN2]], %[[M]], %[[LAST]] : i16
// CHECK: arith.shrsi %[[Y]], %[[AMOUNT2]] : i16
kiln.graph @shifts(%a: tensor<8xi16>, %b: tensor<8xi16>) -> (tensor<8xi16>, tensor<8xi16>) {
  %0 = kiln.shift_left %a, %b : (tensor<8xi16>, tensor<8xi16>) -> tensor<8xi16>
  %1 = kiln.shift_right %a, %b : (tensor<8xi16>, tensor<8xi16>) -> tensor<8xi16>
  kiln.return %0, %1 : tensor<8xi16>, tensor<8xi16>
}

// -----

// f16 computes in f32 and rounds once per op result.
// CHECK-LABEL: func.func @half
// CHECK: ^bb0(%[[X:.+]]: f16, %[[Y:.+]]: f16, %{{.+}}: f16):
// CHECK:   %[[XE:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK:   %[[YE:.+]] = arith.extf %[[Y]] : f16 to f32
// CHECK:   %[[S:.+]] = arith.addf %[[XE]], %[[YE]] : f32
// CHECK:   %[[T:.+]] = arith.truncf %[[S]] : f32 to f16
// CHECK:   linalg.yield %[[T]] : f16
kiln.graph @half(%a: tensor<8xf16>, %b: tensor<8xf16>) -> tensor<8xf16> {
  %0 = kiln.add %a, %b : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xf16>
  kiln.return %0 : tensor<8xf16>
}

// -----

// CHECK-LABEL: func.func @constant
// CHECK: %[[C:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[C]] :
kiln.graph @constant(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = kiln.add %a, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}
