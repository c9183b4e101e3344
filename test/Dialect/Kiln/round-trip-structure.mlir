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

// Result names are kept.
// CHECK-LABEL: kiln.graph @result_names(%x: tensor<2xf32>) -> tensor<2xf32> attributes {result_names = ["probs"]}
kiln.graph @result_names(%x: tensor<2xf32>) -> tensor<2xf32> attributes {result_names = ["probs"]} {
  kiln.return %x : tensor<2xf32>
}
