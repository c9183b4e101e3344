// RUN: kiln-opt %s --kiln-lower-unsigned --split-input-file | FileCheck %s

// Sign-agnostic ops only change type, and so does the graph's signature.
// CHECK-LABEL: kiln.graph @agnostic(
// CHECK-SAME: %{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<2x2xi8>
// CHECK: %[[SUM:.*]] = kiln.add %{{.*}}, %{{.*}} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[NEG:.*]] = kiln.neg %[[SUM]] : (tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[R:.*]] = kiln.reshape %[[NEG]] : (tensor<4xi8>) -> tensor<2x2xi8>
// CHECK: kiln.return %[[R]] : tensor<2x2xi8>
kiln.graph @agnostic(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<2x2xui8> {
  %0 = kiln.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = kiln.neg %0 : (tensor<4xui8>) -> tensor<4xui8>
  %2 = kiln.reshape %1 : (tensor<4xui8>) -> tensor<2x2xui8>
  kiln.return %2 : tensor<2x2xui8>
}

// -----

// Ordering ops see both operands biased by 2^(N-1) (-128 as i8), and an unsigned result is
// biased back; a comparison's i1 result is not.
// CHECK-LABEL: kiln.graph @ordering(
// CHECK: %[[BIAS:.*]] = kiln.constant dense<-128> : tensor<i8>
// CHECK: %[[A:.*]] = kiln.add %a, %[[BIAS]] : (tensor<4xi8>, tensor<i8>) -> tensor<4xi8>
// CHECK: %[[B:.*]] = kiln.add %b, %{{.*}} : (tensor<4xi8>, tensor<i8>) -> tensor<4xi8>
// CHECK: %[[MAX:.*]] = kiln.max %[[A]], %[[B]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[UNBIASED:.*]] = kiln.add %[[MAX]], %{{.*}} : (tensor<4xi8>, tensor<i8>) -> tensor<4xi8>
// CHECK: %[[LT:.*]] = kiln.cmp %{{.*}}, %{{.*}} {predicate = "lt"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
// CHECK: kiln.return %[[UNBIASED]], %[[LT]] : tensor<4xi8>, tensor<4xi1>
kiln.graph @ordering(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>) {
  %0 = kiln.max %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = kiln.cmp %a, %b {predicate = "lt"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  kiln.return %0, %1 : tensor<4xui8>, tensor<4xi1>
}

// -----

// top_k's values are biased back; its i64 indices are not.
// CHECK-LABEL: kiln.graph @top_k(
// CHECK: %[[X:.*]] = kiln.add %x, %{{.*}} : (tensor<8xi16>, tensor<i16>) -> tensor<8xi16>
// CHECK: %[[V:.*]], %[[I:.*]] = kiln.top_k %[[X]] {k = 3 : i64} : (tensor<8xi16>) -> (tensor<3xi16>, tensor<3xi64>)
// CHECK: %[[VALUES:.*]] = kiln.add %[[V]], %{{.*}} : (tensor<3xi16>, tensor<i16>) -> tensor<3xi16>
// CHECK: kiln.return %[[VALUES]], %[[I]]
kiln.graph @top_k(%x: tensor<8xui16>) -> (tensor<3xui16>, tensor<3xi64>) {
  %v, %i = kiln.top_k %x {k = 3 : i64} : (tensor<8xui16>) -> (tensor<3xui16>, tensor<3xi64>)
  kiln.return %v, %i : tensor<3xui16>, tensor<3xi64>
}

// -----

// Division zero-extends into the twice-as-wide signed type (bias, sign extension, unbias),
// divides there and truncates back.
// CHECK-LABEL: kiln.graph @div(
// CHECK: %[[LB:.*]] = kiln.add %a, %{{.*}} : (tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
// CHECK: %[[LW:.*]] = kiln.cast %[[LB]] : (tensor<4xi32>) -> tensor<4xi64>
// CHECK: %[[L:.*]] = kiln.add %[[LW]], %{{.*}} : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
// CHECK: %[[Q:.*]] = kiln.div %[[L]], %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
// CHECK: %[[R:.*]] = kiln.cast %[[Q]] : (tensor<4xi64>) -> tensor<4xi32>
// CHECK: kiln.return %[[R]] : tensor<4xi32>
kiln.graph @div(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %0 = kiln.div %a, %b : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  kiln.return %0 : tensor<4xui32>
}

// -----

// The right shift too, where the arithmetic shift of a non-negative value is the logical one;
// the left shift keeps its form.
// CHECK-LABEL: kiln.graph @shifts(
// CHECK: %[[L:.*]] = kiln.shift_left %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[R:.*]] = kiln.shift_right %{{.*}}, %{{.*}} : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
// CHECK: %[[T:.*]] = kiln.cast %[[R]] : (tensor<4xi16>) -> tensor<4xi8>
// CHECK: kiln.return %[[L]], %[[T]]
kiln.graph @shifts(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>) {
  %0 = kiln.shift_left %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = kiln.shift_right %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  kiln.return %0, %1 : tensor<4xui8>, tensor<4xui8>
}

// -----

// ui8 -> f32 converts the zero-extended i16; f32 -> ui8 saturates in i16, clamps to
// [0, 255] and truncates.
// CHECK-LABEL: kiln.graph @casts(
// CHECK: %[[WIDE:.*]] = kiln.cast %{{.*}} : (tensor<4xi8>) -> tensor<4xi16>
// CHECK: %[[ZEXT:.*]] = kiln.add %[[WIDE]], %{{.*}} : (tensor<4xi16>, tensor<i16>) -> tensor<4xi16>
// CHECK: %[[F:.*]] = kiln.cast %[[ZEXT]] : (tensor<4xi16>) -> tensor<4xf32>
// CHECK: %[[S:.*]] = kiln.cast %b : (tensor<4xf32>) -> tensor<4xi16>
// CHECK: %[[LO:.*]] = kiln.max %[[S]], %{{.*}} : (tensor<4xi16>, tensor<i16>) -> tensor<4xi16>
// CHECK: %[[HI:.*]] = kiln.min %[[LO]], %{{.*}} : (tensor<4xi16>, tensor<i16>) -> tensor<4xi16>
// CHECK: %[[U:.*]] = kiln.cast %[[HI]] : (tensor<4xi16>) -> tensor<4xi8>
// CHECK: kiln.return %[[F]], %[[U]] : tensor<4xf32>, tensor<4xi8>
kiln.graph @casts(%a: tensor<4xui8>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xui8>) {
  %0 = kiln.cast %a : (tensor<4xui8>) -> tensor<4xf32>
  %1 = kiln.cast %b : (tensor<4xf32>) -> tensor<4xui8>
  kiln.return %0, %1 : tensor<4xf32>, tensor<4xui8>
}

// -----

// Constants keep their bits; relu and abs of unsigned numbers are the identity.
// CHECK-LABEL: kiln.graph @constant_relu(
// CHECK: %[[C:.*]] = kiln.constant dense<[0, -1]> : tensor<2xi8>
// CHECK: %[[S:.*]] = kiln.add %a, %[[C]]
// CHECK: kiln.return %[[S]] : tensor<2xi8>
kiln.graph @constant_relu(%a: tensor<2xui8>) -> tensor<2xui8> {
  %c = kiln.constant dense<[0, 255]> : tensor<2xui8>
  %0 = kiln.relu %a : (tensor<2xui8>) -> tensor<2xui8>
  %1 = kiln.abs %0 : (tensor<2xui8>) -> tensor<2xui8>
  %2 = kiln.add %1, %c : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  kiln.return %2 : tensor<2xui8>
}
