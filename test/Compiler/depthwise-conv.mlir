// RUN: kiln-opt %s --kiln-depthwise-conv="vector-bits=256" --canonicalize --cse | FileCheck %s
// RUN: kiln-opt %s --kiln-lower-to-llvm="vector-bits=256" | FileCheck %s --check-prefix=LLVM

// A 3x3 depthwise convolution at stride 2 over 20 channels, 5 output pixels wide, with 8-lane
// vectors: each output row is a parallel iteration; its 5 pixels (one block) keep 5 sums in
// registers through the 3x3 window (one filter vector and 5 input vectors per tap, 5 FMAs)
// and are stored once. The zero fill goes: the sums start at zero. 20 channels are two whole
// vectors and a masked one (no in_bounds). (Canonicalization folds the loops of one
// iteration: the batch of 1, the one pixel block.)
// CHECK-LABEL: func.func @stride2
// CHECK-NOT: linalg.fill
// CHECK: scf.parallel (%[[Y:.+]]) = (%c0) to (%c3) step (%c1)
// CHECK: scf.for %[[C:.+]] = %c0 to %c20 step %c8
// CHECK: scf.for %[[I:.+]] = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: scf.for %[[J:.+]] = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: %[[W:.+]] = vector.transfer_read %arg1[%[[I]], %[[J]], %[[C]]], %{{.+}} : memref<3x3x20xf32>, vector<8xf32>
// CHECK: vector.transfer_read %arg0[%c0, %{{.+}}, %[[J]], %[[C]]], %{{.+}} : memref<1x8x12x20xf32>, vector<8xf32>
// CHECK-NEXT: vector.fma %{{.+}}, %[[W]]
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-5: vector.transfer_write %{{.+}}, %arg2[%c0, %[[Y]], %{{.+}}, %[[C]]] : vector<8xf32>, memref<1x3x5x20xf32>
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
// LLVM-LABEL: llvm.func @stride2
// LLVM: llvm.intr.masked.load
// LLVM: llvm.intr.fmuladd
// LLVM: llvm.intr.masked.store
func.func @stride2(%x: memref<1x8x12x20xf32>, %w: memref<3x3x20xf32>, %y: memref<1x3x5x20xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x3x5x20xf32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x12x20xf32>, memref<3x3x20xf32>) outs(%y : memref<1x3x5x20xf32>)
  return
}

// Without a zero fill right before it, the sums start from the output's values; whole
// vectors of channels need no masks.
// CHECK-LABEL: func.func @accumulates
// CHECK: %[[START:.+]] = vector.transfer_read %arg2[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}], %{{.+}} {in_bounds = [true]} : memref<1x4x4x16xf32>, vector<8xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %[[START]]
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<8xf32>, memref<1x4x4x16xf32>
func.func @accumulates(%x: memref<1x6x6x16xf32>, %w: memref<3x3x16xf32>, %y: memref<1x4x4x16xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x6x6x16xf32>, memref<3x3x16xf32>) outs(%y : memref<1x4x4x16xf32>)
  return
}

// The usual input is a zero-padded copy of the previous layer's output. The kernel reads the
// unpadded tensor instead, and the padded buffer, its fill and the copy go: a filter row above
// or below the input adds nothing (a branch per row), and only the pixel blocks at the edges
// check their columns, reading a clamped column and taking zeros for one outside. The bias
// and ReLU6 after the convolution are applied to the sums before they are stored (the
// generic's epilogue), over the output as rows of pixels by channels.
// CHECK-LABEL: func.func @padded
// CHECK-NOT: memref.alloc() : memref<1x6x26x16xf32>
// CHECK-NOT: memref.copy
// CHECK-DAG: %[[Y2:.+]] = memref.collapse_shape %[[Y:.+]] {{\[\[}}0, 1, 2], [3]] : memref<1x4x24x16xf32> into memref<96x16xf32>
// CHECK: scf.parallel
// CHECK: %[[INSIDE:.+]] = arith.andi
// CHECK: scf.if %[[INSIDE]] {
// CHECK: scf.for
// CHECK: %[[ROW:.+]] = arith.cmpi slt, %{{.+}}, %c4 : index
// CHECK: scf.if %{{.+}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: vector.transfer_read %arg0[%c0, %{{.+}}, %{{.+}}, %{{.+}}], %{{.+}} {in_bounds = [true]} : memref<1x4x24x16xf32>, vector<8xf32>
// CHECK: } else {
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK: %[[BIAS:.+]] = vector.transfer_read %arg2[%{{.+}}], %{{.+}} {in_bounds = [true]} : memref<16xf32>, vector<8xf32>
// CHECK: arith.addf %{{.+}}, %[[BIAS]]
// CHECK: arith.minimumf
// CHECK: vector.transfer_write %{{.+}}, %[[Y2]][%{{.+}}, %{{.+}}] {in_bounds = [true]} : vector<8xf32>, memref<96x16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
// LLVM-LABEL: llvm.func @padded
// LLVM: llvm.intr.fmuladd
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @padded(%x: memref<1x4x24x16xf32>, %w: memref<3x3x16xf32>, %bias: memref<16xf32>) -> memref<1x4x24x16xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %padded = memref.alloc() : memref<1x6x26x16xf32>
  linalg.map outs(%padded : memref<1x6x26x16xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %padded[0, 1, 1, 0] [1, 4, 24, 16] [1, 1, 1, 1] : memref<1x6x26x16xf32> to memref<1x4x24x16xf32, strided<[2496, 416, 16, 1], offset: 432>>
  memref.copy %x, %interior : memref<1x4x24x16xf32> to memref<1x4x24x16xf32, strided<[2496, 416, 16, 1], offset: 432>>
  %c = memref.alloc() : memref<1x4x24x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x24x16xf32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%padded, %w : memref<1x6x26x16xf32>, memref<3x3x16xf32>) outs(%c : memref<1x4x24x16xf32>)
  %y = memref.alloc() : memref<1x4x24x16xf32>
  linalg.generic {indexing_maps = [#id4, #channel, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<1x4x24x16xf32>, memref<16xf32>) outs(%y : memref<1x4x24x16xf32>) {
  ^bb0(%v: f32, %b: f32, %out: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    %m = arith.minimumf %r, %six : f32
    linalg.yield %m : f32
  }
  memref.dealloc %c : memref<1x4x24x16xf32>
  memref.dealloc %padded : memref<1x6x26x16xf32>
  return %y : memref<1x4x24x16xf32>
}

// Padding at the bottom and right only (top and left 0): the rows past the input's last are
// still skipped, and the blocks at the right edge still check their columns.
// CHECK-LABEL: func.func @padded_bottom_right
// CHECK-NOT: memref.copy
// CHECK: arith.cmpi slt, %{{.+}}, %c4 : index
// CHECK: scf.if %{{.+}} -> (vector<8xf32>
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK: return
func.func @padded_bottom_right(%x: memref<1x4x8x16xf32>, %w: memref<3x3x16xf32>) -> memref<1x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloc() : memref<1x6x10x16xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x6x10x16xf32>)
  %interior = memref.subview %padded[0, 0, 0, 0] [1, 4, 8, 16] [1, 1, 1, 1] : memref<1x6x10x16xf32> to memref<1x4x8x16xf32, strided<[960, 160, 16, 1]>>
  memref.copy %x, %interior : memref<1x4x8x16xf32> to memref<1x4x8x16xf32, strided<[960, 160, 16, 1]>>
  %y = memref.alloc() : memref<1x4x8x16xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x8x16xf32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%padded, %w : memref<1x6x10x16xf32>, memref<3x3x16xf32>) outs(%y : memref<1x4x8x16xf32>)
  memref.dealloc %padded : memref<1x6x10x16xf32>
  return %y : memref<1x4x8x16xf32>
}

// A padded buffer that is read by something else too stays, and the kernel reads it whole.
// CHECK-LABEL: func.func @padding_kept
// CHECK: memref.copy
// CHECK: vector.transfer_read %[[P:.+]][%c0, %{{.+}}, %{{.+}}, %{{.+}}], %{{.+}} {in_bounds = [true]} : memref<1x6x6x16xf32>, vector<8xf32>
// CHECK-NOT: arith.select
// CHECK: return
func.func @padding_kept(%x: memref<1x4x4x16xf32>, %w: memref<3x3x16xf32>, %y: memref<1x4x4x16xf32>, %also: memref<1x6x6x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloc() : memref<1x6x6x16xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x6x6x16xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [1, 4, 4, 16] [1, 1, 1, 1] : memref<1x6x6x16xf32> to memref<1x4x4x16xf32, strided<[576, 96, 16, 1], offset: 112>>
  memref.copy %x, %interior : memref<1x4x4x16xf32> to memref<1x4x4x16xf32, strided<[576, 96, 16, 1], offset: 112>>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x4x16xf32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%padded, %w : memref<1x6x6x16xf32>, memref<3x3x16xf32>) outs(%y : memref<1x4x4x16xf32>)
  memref.copy %padded, %also : memref<1x6x6x16xf32> to memref<1x6x6x16xf32>
  return
}
