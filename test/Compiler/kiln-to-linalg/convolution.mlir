// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// Padding is a tensor.pad in front of linalg's named convolution; i8 x i8 accumulates in i32.
// CHECK-LABEL: func.func @conv
// CHECK: %[[PADDED:.+]] = tensor.pad %{{.+}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[ACC:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<1x4x4x4xi32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PADDED]], %{{.+}} : tensor<1x10x10x3xi8>, tensor<3x3x3x4xi8>) outs(%[[ACC]] : tensor<1x4x4x4xi32>)
kiln.graph @conv(%x: tensor<1x8x8x3xi8>, %w: tensor<3x3x3x4xi8>) -> tensor<1x4x4x4xi32> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x3xi8>, tensor<3x3x3x4xi8>) -> tensor<1x4x4x4xi32>
  kiln.return %0 : tensor<1x4x4x4xi32>
}

// -----

// Max pooling reads no padded copy: a tap in the padding reads its row and column clamped into
// the input (an element of the same window, which cannot change the maximum). A window of at
// most 25 taps is one generic over the output, channels innermost, whose payload takes the
// maximum of its taps pairwise (a tree, not a chain): no -inf fill, no reduction loop.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool
// CHECK-NOT: tensor.pad
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.+}} : tensor<1x4x3x2xf32>)
// Tap (0, 0): row y, column x * 2 - 1, clamped to [0, 4].
// CHECK: %[[Y:.+]] = linalg.index 1
// CHECK: %[[X:.+]] = linalg.index 2
// CHECK: %[[X2:.+]] = arith.muli %[[X]], %c2
// CHECK: %[[XJ:.+]] = arith.addi %[[X2]], %{{.+}}
// CHECK: %[[COL:.+]] = arith.subi %[[XJ]], %c1
// CHECK: %[[LOW:.+]] = arith.maxsi %[[COL]], %c0
// CHECK: %[[CLAMPED:.+]] = arith.minsi %[[LOW]], %c4
// CHECK: %[[T0:.+]] = tensor.extract %arg1[%{{.+}}, %{{.+}}, %[[CLAMPED]], %{{.+}}] : tensor<1x5x5x2xf32>
// CHECK: %[[T1:.+]] = tensor.extract %arg1
// CHECK: %[[T2:.+]] = tensor.extract %arg1
// CHECK: %[[T3:.+]] = tensor.extract %arg1
// CHECK: %[[M01:.+]] = arith.maximumf %[[T0]], %[[T1]] : f32
// CHECK: %[[M23:.+]] = arith.maximumf %[[T2]], %[[T3]] : f32
// CHECK: %[[M:.+]] = arith.maximumf %[[M01]], %[[M23]] : f32
// CHECK: linalg.yield %[[M]]
kiln.graph @max_pool(%x: tensor<1x5x5x2xf32>) -> tensor<1x4x3x2xf32> {
  %0 = kiln.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 1, 2>, padding = array<i64: 0, 0, 1, 1>} : (tensor<1x5x5x2xf32>) -> tensor<1x4x3x2xf32>
  kiln.return %0 : tensor<1x4x3x2xf32>
}

// -----

// A window of more than 25 taps (6 x 5) is a reduction instead: a generic over (n, y, x, i, j,
// c) into an output filled with -inf, each tap read at its clamped row and column.
// CHECK-DAG: #[[WINDOW:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @max_pool_large
// CHECK-NOT: tensor.pad
// CHECK: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK: linalg.generic {indexing_maps = [#[[WINDOW]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%{{.+}} : tensor<6x5xf32>) outs(%[[INIT]] : tensor<1x3x4x2xf32>)
// CHECK: arith.minsi
// CHECK: %[[V:.+]] = tensor.extract %arg1
// CHECK: arith.maximumf %{{.+}}, %[[V]] : f32
kiln.graph @max_pool_large(%x: tensor<1x8x8x2xf32>) -> tensor<1x3x4x2xf32> {
  %0 = kiln.max_pool2d %x {window = array<i64: 6, 5>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x2xf32>) -> tensor<1x3x4x2xf32>
  kiln.return %0 : tensor<1x3x4x2xf32>
}

// -----

// Average pooling sums zero-padded windows in f32 (the input is f16) and divides by the number
// of in-bounds elements, clamping each window's rows and columns to the input.
// CHECK-LABEL: func.func @avg_pool
// CHECK: %[[SUMS:.+]] = linalg.pooling_nhwc_sum {{.*}} outs(%{{.+}} : tensor<1x3x3x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[SUMS]] : tensor<1x3x3x2xf32>) outs(%{{.+}} : tensor<1x3x3x2xf16>)
// CHECK:   linalg.index 1
// CHECK:   arith.maxsi
// CHECK:   arith.minsi
// CHECK:   linalg.index 2
// CHECK:   %[[COUNT:.+]] = arith.sitofp %{{.+}} : i64 to f32
// CHECK:   %[[AVG:.+]] = arith.divf %{{.+}}, %[[COUNT]] : f32
// CHECK:   arith.truncf %[[AVG]] : f32 to f16
kiln.graph @avg_pool(%x: tensor<1x5x5x2xf16>) -> tensor<1x3x3x2xf16> {
  %0 = kiln.avg_pool2d %x {window = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>} : (tensor<1x5x5x2xf16>) -> tensor<1x3x3x2xf16>
  kiln.return %0 : tensor<1x3x3x2xf16>
}

// -----

// An f32 convolution is a matrix product: the strided, dilated windows of the padded input are
// copied into [N*OH*OW, KH*KW*C] (im2col), which multiplies the filter seen as [KH*KW*C, F].
// CHECK-DAG: #[[WINDOW:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3 * 2, d2 + d4, d5)>
// CHECK-LABEL: func.func @conv_f32
// CHECK: %[[PADDED:.+]] = tensor.pad %{{.+}} low[0, 2, 0, 0] high[0, 2, 0, 0]
// CHECK: %[[COLUMNS:.+]] = linalg.generic {indexing_maps = [#[[WINDOW]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[PADDED]] : tensor<1x10x6x3xf32>) outs(%{{.+}} : tensor<1x3x4x3x3x3xf32>)
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[COLUMNS]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x3x4x3x3x3xf32> into tensor<12x27xf32>
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1, 2], [3]] : tensor<3x3x3x5xf32> into tensor<27x5xf32>
// CHECK: %[[PRODUCT:.+]] = linalg.matmul ins(%[[LHS]], %[[RHS]] : tensor<12x27xf32>, tensor<27x5xf32>)
// CHECK: tensor.expand_shape %[[PRODUCT]] {{\[\[}}0, 1, 2], [3]] output_shape [1, 3, 4, 5]
kiln.graph @conv_f32(%x: tensor<1x6x6x3xf32>, %w: tensor<3x3x3x5xf32>) -> tensor<1x3x4x5xf32> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 1>, padding = array<i64: 2, 2, 0, 0>, dilations = array<i64: 2, 1>} : (tensor<1x6x6x3xf32>, tensor<3x3x3x5xf32>) -> tensor<1x3x4x5xf32>
  kiln.return %0 : tensor<1x3x4x5xf32>
}

// -----

// A grouped convolution is one generic: the filter's output channels split into (group,
// channel), the group and its channels iterated innermost after the window's reductions, input
// channel g * Cg + k, and the result's channels joined again. f16 accumulates in f32.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d3, d2 + d4 * 2, d6 * 2 + d5)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4, d5, d6, d7)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>
// CHECK-LABEL: func.func @conv_grouped
// CHECK: %[[PADDED:.+]] = tensor.pad
// CHECK: %[[FILTER:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [3, 2, 2, 3, 3] : tensor<3x2x2x9xf16> into tensor<3x2x2x3x3xf16>
// CHECK: %[[ACC:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4x5x3x3xf32>)
// CHECK: %[[SUMS:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%[[PADDED]], %[[FILTER]] : tensor<1x9x7x6xf16>, tensor<3x2x2x3x3xf16>) outs(%[[ACC]] : tensor<1x4x5x3x3xf32>)
// CHECK: arith.extf
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.collapse_shape %[[SUMS]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x5x3x3xf32> into tensor<1x4x5x9xf32>
// CHECK: arith.truncf
kiln.graph @conv_grouped(%x: tensor<1x8x7x6xf16>, %w: tensor<3x2x2x9xf16>) -> tensor<1x4x5x9xf16> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 1>, padding = array<i64: 1, 0, 0, 0>, dilations = array<i64: 1, 2>, groups = 3 : i64} : (tensor<1x8x7x6xf16>, tensor<3x2x2x9xf16>) -> tensor<1x4x5x9xf16>
  kiln.return %0 : tensor<1x4x5x9xf16>
}

// -----

// conv_transpose2d with strides 2 x 2 is four stride-1 convolutions, one per (row, column)
// phase: each convolves the input (padded where its taps reach beyond it) with the flipped
// sub-filter of the taps that reach that phase (taps 2 and 0 for even positions, tap 1 for odd
// ones), and its result fills every second row and column from the phase's offset. Column
// padding 1 on the right only shortens the result to 6 columns.
// CHECK-DAG: #[[EVEN_EVEN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0 * -2 + 2, d1 * -2 + 2, d2, d3)>
// CHECK-DAG: #[[EVEN_ODD:.+]] = affine_map<(d0, d1, d2, d3) -> (d0 * -2 + 2, -d1 + 1, d2, d3)>
// CHECK-DAG: #[[ODD_ODD:.+]] = affine_map<(d0, d1, d2, d3) -> (-d0 + 1, -d1 + 1, d2, d3)>
// CHECK-LABEL: func.func @conv_transpose(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x3x2xi8>, %[[W:[^:]+]]: tensor<3x3x2x4xi8>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x7x6x4xi32>
// CHECK: %[[F00:.+]] = linalg.generic {indexing_maps = [#[[EVEN_EVEN]], #{{.+}}], {{.+}} ins(%[[W]] : tensor<3x3x2x4xi8>) outs(%{{.+}} : tensor<2x2x2x4xi8>)
// CHECK: %[[X00:.+]] = tensor.pad %{{.+}} low[0, 1, 1, 0] high[0, 1, 0, 0]
// CHECK: %[[C00:.+]] = linalg.conv_2d_nhwc_hwcf {{.+}} ins(%[[X00]], %[[F00]] : tensor<1x5x4x2xi8>, tensor<2x2x2x4xi8>) outs(%{{.+}} : tensor<1x4x3x4xi32>)
// CHECK: %[[R00:.+]] = tensor.insert_slice %[[C00]] into %[[EMPTY]][0, 0, 0, 0] [1, 4, 3, 4] [1, 2, 2, 1]
// CHECK: linalg.generic {indexing_maps = [#[[EVEN_ODD]], #{{.+}}], {{.+}} outs(%{{.+}} : tensor<2x1x2x4xi8>)
// CHECK: %[[R01:.+]] = tensor.insert_slice %{{.+}} into %[[R00]][0, 0, 1, 0] [1, 4, 3, 4] [1, 2, 2, 1]
// CHECK: %[[R10:.+]] = tensor.insert_slice %{{.+}} into %[[R01]][0, 1, 0, 0] [1, 3, 3, 4] [1, 2, 2, 1]
// CHECK: %[[F11:.+]] = linalg.generic {indexing_maps = [#[[ODD_ODD]], #{{.+}}], {{.+}} outs(%{{.+}} : tensor<1x1x2x4xi8>)
// CHECK: %[[C11:.+]] = linalg.conv_2d_nhwc_hwcf {{.+}} ins(%{{.+}}, %[[F11]] : tensor<1x3x3x2xi8>, tensor<1x1x2x4xi8>)
// CHECK: %[[R11:.+]] = tensor.insert_slice %[[C11]] into %[[R10]][0, 1, 1, 0] [1, 3, 3, 4] [1, 2, 2, 1]
// CHECK: return %[[R11]]
kiln.graph @conv_transpose(%x: tensor<1x3x3x2xi8>, %w: tensor<3x3x2x4xi8>) -> tensor<1x7x6x4xi32> {
  %0 = kiln.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 1>} : (tensor<1x3x3x2xi8>, tensor<3x3x2x4xi8>) -> tensor<1x7x6x4xi32>
  kiln.return %0 : tensor<1x7x6x4xi32>
}

// -----

// A stride beyond the kernel's reach leaves phases no tap reaches: the result starts as zeros
// and only the reached phase is written.
// CHECK-LABEL: func.func @conv_transpose_gaps(
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : f64) outs(%{{.+}} : tensor<1x7x1x1xf64>)
// CHECK: %[[C:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK: tensor.insert_slice %{{.+}} into %[[ZEROS]][0, 0, 0, 0] [1, 3, 1, 1] [1, 3, 1, 1]
// CHECK-NOT: tensor.insert_slice
kiln.graph @conv_transpose_gaps(%x: tensor<1x3x1x1xf64>, %w: tensor<1x1x1x1xf64>) -> tensor<1x7x1x1xf64> {
  %0 = kiln.conv_transpose2d %x, %w {strides = array<i64: 3, 1>} : (tensor<1x3x1x1xf64>, tensor<1x1x1x1xf64>) -> tensor<1x7x1x1xf64>
  kiln.return %0 : tensor<1x7x1x1xf64>
}
