// A graph's C entries are named after it (<graph>, <graph>_argv, <graph>_cuda, ...). kilnc
// refuses, at the graph, names that cannot be C functions or would take the place of one that
// the artifact or the program calls, and names of another symbol the artifact defines; it
// reports them all and writes nothing.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not kilnc %s --module-name=m -o %t/out.o 2>&1 | FileCheck %s
// RUN: test ! -e %t/out.o

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'exp' is a C library function, which the graph's C entry would replace in programs that link the artifact, the artifact's own calls included; its C entry is named after it: rename the graph
kiln.graph @exp(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = kiln.exp %x : (tensor<4xf64>) -> tensor<4xf64>
  kiln.return %0 : tensor<4xf64>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'sqrtf' is a C library function
kiln.graph @sqrtf(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'memcpy' is a C library function
kiln.graph @memcpy(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'for' is a C or C++ keyword
kiln.graph @for(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'my-graph' is not a C identifier
kiln.graph @"my-graph"(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name '__model' is reserved to the C implementation
kiln.graph @__model(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'kiln_model' is in the runtime's kiln_ namespace
kiln.graph @kiln_model(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

kiln.graph @a(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}
// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'a_argv' is also the name of an entry of graph 'a'
kiln.graph @a_argv(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}

// CHECK: graph-names.mlir:[[@LINE+1]]:1: error: graph name 'm_metadata' is also the name of the module's metadata
kiln.graph @m_metadata(%x: tensor<4xf32>) -> tensor<4xf32> {
  kiln.return %x : tensor<4xf32>
}
