//===- Frontend.h - Parse, verify and lower a Kiln module to the LLVM dialect -===//
//
// The compiler half of the driver behind kilnc: everything up to the LLVM dialect. The codegen
// library takes it from there (object files, headers, artifacts).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_FRONTEND_H
#define KILN_COMPILER_FRONTEND_H

#include "kiln/Compiler/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace kiln {

/// Everything a Kiln compilation can meet: the Kiln dialect, the dialects it lowers through
/// and their LLVM translations.
void registerKilnCompilerDialects(mlir::DialectRegistry &registry);

/// Parses and verifies the buffer most recently added to `sourceMgr`. Reports located errors
/// through the context's diagnostic handler and returns null on any error, including a module
/// without graphs or with top-level ops other than Kiln's.
mlir::OwningOpRef<mlir::ModuleOp> parseKilnModule(llvm::SourceMgr &sourceMgr,
                                                  mlir::MLIRContext &context);

/// Runs the CPU pipeline in place; `timing` prints per-pass times to stderr.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module, const CPUPipelineOptions &options,
                                       bool timing);

/// Runs the CUDA pipeline in place: the graphs become CUDA entries in the LLVM dialect, and
/// their kernels one gpu.binary holding PTX per chip.
mlir::LogicalResult lowerToCUDA(mlir::ModuleOp module, const CUDAPipelineOptions &options,
                                bool timing);

/// The kernels of one chip, from the gpu.binary of a lowered CUDA module: PTX, or LLVM bitcode
/// when the pipeline ran with emitLLVM.
struct KernelCode {
  std::string chip; ///< "sm_90"
  std::string code;
};

/// Removes the gpu.binary ops of a module lowered by lowerToCUDA and returns their code, one
/// entry per chip in the order of the pipeline's chips. What remains is the host code.
mlir::FailureOr<std::vector<KernelCode>> takeKernelCode(mlir::ModuleOp module);

} // namespace kiln

#endif
