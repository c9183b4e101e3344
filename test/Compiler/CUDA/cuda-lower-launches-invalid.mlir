// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-cuda-lower-launches

// expected-error @+1 {{a CUDA entry needs a body and (ctx, stream) arguments}}
llvm.func @declared(!llvm.ptr, !llvm.ptr) -> i32 attributes {kiln.cuda_entry}

// -----

llvm.func @no_status(%ctx: !llvm.ptr, %stream: !llvm.ptr) attributes {kiln.cuda_entry} {
  // expected-error @+1 {{a CUDA entry must return its i32 status}}
  llvm.return
}
