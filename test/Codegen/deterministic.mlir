// The same input and flags give byte-identical outputs.
// RUN: kilnc %s -o %t.a.o && kilnc %s -o %t.b.o && cmp %t.a.o %t.b.o
// RUN: kilnc %s --emit=shared -o %t.a.so && kilnc %s --emit=shared -o %t.b.so && cmp %t.a.so %t.b.so
// RUN: kilnc %s --emit=llvm -o %t.a.ll && kilnc %s --emit=llvm -o %t.b.ll && cmp %t.a.ll %t.b.ll
// No build paths leak into the artifact.
// RUN: not grep -a -F "%t" %t.a.so
// RUN: not grep -a -F "%S" %t.a.o

kiln.graph @f(%a: tensor<7x9xf32>, %b: tensor<9x5xf32>) -> tensor<7x5xf32> {
  %0 = kiln.matmul %a, %b : (tensor<7x9xf32>, tensor<9x5xf32>) -> tensor<7x5xf32>
  %1 = kiln.tanh %0 : (tensor<7x5xf32>) -> tensor<7x5xf32>
  kiln.return %1 : tensor<7x5xf32>
}
