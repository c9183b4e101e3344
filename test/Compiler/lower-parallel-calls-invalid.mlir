// RUN: kiln-opt %s --kiln-lower-parallel-calls --split-input-file --verify-diagnostics

// The context pointer comes from the caller's first argument; without one there is none.
llvm.func internal @task(%begin: i64, %end: i64) attributes {kiln.parallel_task} {
  llvm.return
}
llvm.func @no_context(%n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  // expected-error @below {{a parallel task is called from a function without a context pointer as its first argument}}
  llvm.call @task(%zero, %n) : (i64, i64) -> ()
  llvm.return
}

// -----

// kiln_parallel_for runs [0, count): a call starting elsewhere was not made by the outliner.
llvm.func internal @task(%begin: i64, %end: i64) attributes {kiln.parallel_task} {
  llvm.return
}
llvm.func @offset(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  // expected-error @below {{a parallel task call must start at iteration 0}}
  llvm.call @task(%begin, %end) : (i64, i64) -> ()
  llvm.return
}
