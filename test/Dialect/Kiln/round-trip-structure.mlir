// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Graphs, constants and element types print back as written.

kiln.graph @constant(%s: tensor<i64>) -> tensor<2xi64> {
  // CHECK: kiln.constant dense<[1, 2]> : tensor<2xi64>
  %c = kiln.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: kiln.add %{{.+}}, %s : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %0 = kiln.add %c, %s : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  kiln.return %0 : tensor<2xi64>
}

// Every element type.
// CHECK-LABEL: kiln.graph @dtypes(%h: tensor<2xf16>, %bf: tensor<2xbf16>, %d: tensor<2xf64>, %p: tensor<2xi1>, %q: tensor<2xi8>, %r: tensor<2xi16>)
kiln.graph @dtypes(%h: tensor<2xf16>, %bf: tensor<2xbf16>, %d: tensor<2xf64>, %p: tensor<2xi1>, %q: tensor<2xi8>, %r: tensor<2xi16>)
    -> (tensor<2xf16>, tensor<2xbf16>, tensor<2xf64>, tensor<2xi1>, tensor<2xi8>, tensor<2xi16>) {
  kiln.return %h, %bf, %d, %p, %q, %r : tensor<2xf16>, tensor<2xbf16>, tensor<2xf64>, tensor<2xi1>, tensor<2xi8>, tensor<2xi16>
}

// The unsigned tensor types, their constants and a cast between them.
// CHECK-LABEL: kiln.graph @unsigned(%u: tensor<2xui8>, %v: tensor<2xui16>, %w: tensor<2xui32>)
kiln.graph @unsigned(%u: tensor<2xui8>, %v: tensor<2xui16>, %w: tensor<2xui32>)
    -> (tensor<2xui8>, tensor<2xui16>, tensor<2xui32>) {
  // CHECK: kiln.constant dense<[0, 255]> : tensor<2xui8>
  %c = kiln.constant dense<[0, 255]> : tensor<2xui8>
  // CHECK: kiln.add %u, %{{.+}} : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %0 = kiln.add %u, %c : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  // CHECK: kiln.cast %w : (tensor<2xui32>) -> tensor<2xui16>
  %1 = kiln.cast %w : (tensor<2xui32>) -> tensor<2xui16>
  kiln.return %0, %1, %w : tensor<2xui8>, tensor<2xui16>, tensor<2xui32>
}

// Result names are kept.
// CHECK-LABEL: kiln.graph @result_names(%x: tensor<2xf32>) -> tensor<2xf32> attributes {result_names = ["probs"]}
kiln.graph @result_names(%x: tensor<2xf32>) -> tensor<2xf32> attributes {result_names = ["probs"]} {
  kiln.return %x : tensor<2xf32>
}
