// RUN: kiln-opt %s --kiln-split-batch="chunk=1" | FileCheck %s
// RUN: kiln-opt %s --kiln-split-batch | FileCheck %s --check-prefix=AUTO
// RUN: kiln-opt %s --kiln-split-batch="budget-bytes=2048" | FileCheck %s --check-prefix=SMALL
// RUN: kiln-opt %s --kiln-split-batch="budget-bytes=8192" | FileCheck %s --check-prefix=PAIR
// RUN: kiln-opt %s --kiln-split-batch="chunk=-1" | FileCheck %s --check-prefix=OFF
// RUN: kiln-opt %s --kiln-split-batch="chunk=2" | FileCheck %s --check-prefix=TWO

// A small network in the importer's form: every op keeps samples apart, so each batched value
// is retyped to the chunk and the graph records the calls its batch takes. The constants stay.
// CHECK-LABEL: kiln.graph @cnn(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> attributes {kiln.batch_split = 4 : i64}
// CHECK: kiln.transpose %x {{.*}} -> tensor<1x8x8x3xf32>
// CHECK: kiln.conv2d {{.*}} : (tensor<1x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<1x8x8x16xf32>
// CHECK: kiln.add {{.*}} : (tensor<1x8x8x16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
// CHECK: kiln.max_pool2d {{.*}} -> tensor<1x4x4x16xf32>
// CHECK: kiln.reduce_mean {{.*}} -> tensor<1x16xf32>
// CHECK: kiln.matmul {{.*}} : (tensor<1x16xf32>, tensor<16x10xf32>) -> tensor<1x10xf32>
// Without a chunk, the largest that keeps each batched intermediate of a chunk (4096 bytes a
// sample here) within the budget: 4 MiB by default takes the whole batch, so nothing changes.
// AUTO-LABEL: kiln.graph @cnn(%x: tensor<4x3x8x8xf32>) -> tensor<4x10xf32> {
// SMALL-LABEL: kiln.graph @cnn(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> attributes {kiln.batch_split = 4 : i64}
// PAIR-LABEL: kiln.graph @cnn(%x: tensor<2x3x8x8xf32>) -> tensor<2x10xf32> attributes {kiln.batch_split = 2 : i64}
// OFF-LABEL: kiln.graph @cnn(%x: tensor<4x3x8x8xf32>) -> tensor<4x10xf32> {
// TWO-LABEL: kiln.graph @cnn(%x: tensor<2x3x8x8xf32>) -> tensor<2x10xf32> attributes {kiln.batch_split = 2 : i64}
kiln.graph @cnn(%x: tensor<4x3x8x8xf32>) -> tensor<4x10xf32> {
  %t = kiln.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<4x3x8x8xf32>) -> tensor<4x8x8x3xf32>
  %w = kiln.constant dense<0.5> : tensor<3x3x3x16xf32>
  %c = kiln.conv2d %t, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<4x8x8x16xf32>
  %b = kiln.constant dense<0.25> : tensor<16xf32>
  %a = kiln.add %c, %b : (tensor<4x8x8x16xf32>, tensor<16xf32>) -> tensor<4x8x8x16xf32>
  %r = kiln.relu %a : (tensor<4x8x8x16xf32>) -> tensor<4x8x8x16xf32>
  %p = kiln.max_pool2d %r {window = array<i64: 2, 2>} : (tensor<4x8x8x16xf32>) -> tensor<4x4x4x16xf32>
  %m = kiln.reduce_mean %p {axes = array<i64: 1, 2>} : (tensor<4x4x4x16xf32>) -> tensor<4x16xf32>
  %fw = kiln.constant dense<0.125> : tensor<16x10xf32>
  %y = kiln.matmul %m, %fw : (tensor<4x16xf32>, tensor<16x10xf32>) -> tensor<4x10xf32>
  kiln.return %y : tensor<4x10xf32>
}

// Squeeze-and-excitation: the per-sample scale [N, C, 1, 1] multiplies the batched map; both
// operands lead with the batch. The dim-0 range of a slice that takes all of it shrinks with
// the chunk; a concatenation along channels keeps samples apart.
// CHECK-LABEL: kiln.graph @excite(%x: tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32> attributes {kiln.batch_split = 2 : i64}
// CHECK: kiln.mul {{.*}} : (tensor<1x4x1x1xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
// CHECK: kiln.slice {{.*}} {limits = array<i64: 1, 4, 6, 6>, starts = array<i64: 0, 0, 0, 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
// CHECK: kiln.concat {{.*}} {axis = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32>
// AUTO-LABEL: kiln.graph @excite(%x: tensor<2x4x6x6xf32>)
kiln.graph @excite(%x: tensor<2x4x6x6xf32>) -> tensor<2x8x6x6xf32> {
  %m = kiln.reduce_mean %x {axes = array<i64: 2, 3>, keep_dims = true} : (tensor<2x4x6x6xf32>) -> tensor<2x4x1x1xf32>
  %s = kiln.sigmoid %m : (tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %y = kiln.mul %s, %x : (tensor<2x4x1x1xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %z = kiln.slice %y {starts = array<i64: 0, 0, 0, 0>, limits = array<i64: 2, 4, 6, 6>} : (tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %c = kiln.concat %z, %x {axis = 1 : i64} : (tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<2x8x6x6xf32>
  kiln.return %c : tensor<2x8x6x6xf32>
}

// An embedding lookup of batched tokens, a layer norm over the last axis and a batched
// product of two batched operands (attention scores) keep samples apart too.
// CHECK-LABEL: kiln.graph @embed(%tokens: tensor<1x5xi64>) -> tensor<1x5x5xf32> attributes {kiln.batch_split = 3 : i64}
// CHECK: kiln.gather {{.*}} : (tensor<100x8xf32>, tensor<1x5xi64>) -> tensor<1x5x8xf32>
// CHECK: kiln.layer_norm {{.*}} -> tensor<1x5x8xf32>
// CHECK: kiln.transpose {{.*}} -> tensor<1x8x5xf32>
// CHECK: kiln.matmul {{.*}} : (tensor<1x5x8xf32>, tensor<1x8x5xf32>) -> tensor<1x5x5xf32>
// CHECK: kiln.softmax {{.*}} -> tensor<1x5x5xf32>
kiln.graph @embed(%tokens: tensor<3x5xi64>) -> tensor<3x5x5xf32> {
  %table = kiln.constant dense<0.5> : tensor<100x8xf32>
  %e = kiln.gather %table, %tokens {axis = 0 : i64} : (tensor<100x8xf32>, tensor<3x5xi64>) -> tensor<3x5x8xf32>
  %g = kiln.constant dense<1.0> : tensor<8xf32>
  %b = kiln.constant dense<0.0> : tensor<8xf32>
  %n = kiln.layer_norm %e, %g, %b : (tensor<3x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<3x5x8xf32>
  %t = kiln.transpose %n {permutation = array<i64: 0, 2, 1>} : (tensor<3x5x8xf32>) -> tensor<3x8x5xf32>
  %s = kiln.matmul %n, %t : (tensor<3x5x8xf32>, tensor<3x8x5xf32>) -> tensor<3x5x5xf32>
  %p = kiln.softmax %s : (tensor<3x5x5xf32>) -> tensor<3x5x5xf32>
  kiln.return %p : tensor<3x5x5xf32>
}

// Without a chunk, only graphs that convolve are split: an MLP would re-read its weights once
// per chunk.
// SMALL-LABEL: kiln.graph @mlp(%x: tensor<64x32xf32>) -> tensor<64x32xf32> {
// CHECK-LABEL: kiln.graph @mlp(%x: tensor<1x32xf32>) -> tensor<1x32xf32> attributes {kiln.batch_split = 64 : i64}
kiln.graph @mlp(%x: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %w = kiln.constant dense<0.5> : tensor<32x32xf32>
  %y = kiln.matmul %x, %w : (tensor<64x32xf32>, tensor<32x32xf32>) -> tensor<64x32xf32>
  kiln.return %y : tensor<64x32xf32>
}

// Graphs whose samples meet stay whole, whatever the chunk.
// CHECK-LABEL: kiln.graph @sum_over_batch(%x: tensor<4x8xf32>) -> tensor<8xf32> {
kiln.graph @sum_over_batch(%x: tensor<4x8xf32>) -> tensor<8xf32> {
  %s = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<4x8xf32>) -> tensor<8xf32>
  kiln.return %s : tensor<8xf32>
}

// CHECK-LABEL: kiln.graph @swap_batch(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
kiln.graph @swap_batch(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %t = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  kiln.return %t : tensor<8x4xf32>
}

// A constant with a row per sample differs between chunks.
// CHECK-LABEL: kiln.graph @per_sample_constant(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
kiln.graph @per_sample_constant(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = kiln.constant dense<1.0> : tensor<4x8xf32>
  %y = kiln.add %x, %c : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  kiln.return %y : tensor<4x8xf32>
}

// CHECK-LABEL: kiln.graph @concat_batches(%x: tensor<4x8xf32>) -> tensor<8x8xf32> {
kiln.graph @concat_batches(%x: tensor<4x8xf32>) -> tensor<8x8xf32> {
  %c = kiln.concat %x, %x {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  kiln.return %c : tensor<8x8xf32>
}

// The batch of a 2-D right operand is the contracted dimension.
// CHECK-LABEL: kiln.graph @contract_batch(%x: tensor<4x8xf32>) -> tensor<8x8xf32> {
kiln.graph @contract_batch(%x: tensor<4x8xf32>) -> tensor<8x8xf32> {
  %t = kiln.constant dense<1.0> : tensor<8x4xf32>
  %y = kiln.matmul %t, %x : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  kiln.return %y : tensor<8x8xf32>
}

// A reshape that moves samples across dimension 0.
// CHECK-LABEL: kiln.graph @fold_batch(%x: tensor<4x8xf32>) -> tensor<2x16xf32> {
kiln.graph @fold_batch(%x: tensor<4x8xf32>) -> tensor<2x16xf32> {
  %r = kiln.reshape %x : (tensor<4x8xf32>) -> tensor<2x16xf32>
  kiln.return %r : tensor<2x16xf32>
}

// Arguments with different batches, and a result computed from constants alone.
// CHECK-LABEL: kiln.graph @two_batches(%x: tensor<4x8xf32>, %y: tensor<2x8xf32>)
// CHECK-NOT: kiln.batch_split
kiln.graph @two_batches(%x: tensor<4x8xf32>, %y: tensor<2x8xf32>) -> (tensor<4x8xf32>, tensor<2x8xf32>) {
  %a = kiln.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = kiln.relu %y : (tensor<2x8xf32>) -> tensor<2x8xf32>
  kiln.return %a, %b : tensor<4x8xf32>, tensor<2x8xf32>
}

// CHECK-LABEL: kiln.graph @constant_result(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
kiln.graph @constant_result(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %a = kiln.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %c = kiln.constant dense<1.0> : tensor<4x8xf32>
  kiln.return %a, %c : tensor<4x8xf32>, tensor<4x8xf32>
}

// A chunk that does not divide the batch leaves the graph whole.
// CHECK-LABEL: kiln.graph @odd(%x: tensor<1x64x64x4xf32>) -> tensor<1x64x64x4xf32> attributes {kiln.batch_split = 3 : i64}
// TWO-LABEL: kiln.graph @odd(%x: tensor<3x64x64x4xf32>) -> tensor<3x64x64x4xf32> {
kiln.graph @odd(%x: tensor<3x64x64x4xf32>) -> tensor<3x64x64x4xf32> {
  %w = kiln.constant dense<0.5> : tensor<1x1x4x4xf32>
  %c = kiln.conv2d %x, %w : (tensor<3x64x64x4xf32>, tensor<1x1x4x4xf32>) -> tensor<3x64x64x4xf32>
  kiln.return %c : tensor<3x64x64x4xf32>
}
