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
