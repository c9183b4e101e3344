//===- Kernels.h - Scalar evaluation of kiln.kernel bodies ----------------===//
//
// A kernel body is a straight line of scalar arith and math ops. It is prepared once per
// kiln.map/kiln.reduce (values numbered into slots, every op's evaluator chosen, unsupported
// ops reported up front) and then run per element.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_LIB_INTERPRETER_KERNELS_H
#define KILN_COMPILER_LIB_INTERPRETER_KERNELS_H

#include "kiln/Interpreter/Interpreter.h"

#include <functional>

namespace kiln::interp {

/// A scalar of a kernel, stored as in RefTensor: floats in `f` (representable in their type),
/// integers in `i` (sign-extended from their width; i1 as 0/1).
struct Scalar {
  double f = 0.0;
  int64_t i = 0;
};

/// Evaluates one scalar op from its operands into `result`. Returns null on success, else the
/// reason the op has no defined result (e.g. "integer division by zero"); arith calls these
/// cases undefined behaviour or poison, so an oracle must refuse rather than guess.
using ScalarFn = std::function<const char *(llvm::ArrayRef<Scalar> operands, Scalar &result)>;

/// The evaluator of a scalar arith/math op, rounding its result to the result type once; or
/// failure, with the reason in `reason`, when the reference interpreter does not support it.
mlir::FailureOr<ScalarFn> makeScalarFn(mlir::Operation *op, std::string &reason);

/// A kernel ready to run on scalars.
class PreparedKernel {
public:
  /// Prepares `kernel` for `user` (the kiln.map or kiln.reduce applying it, named in notes).
  static mlir::FailureOr<PreparedKernel> prepare(KernelOp kernel, mlir::Operation *user);

  /// Runs the kernel on `args`. On a runtime error, reports it at the failing op with a note
  /// at the user naming the result element being computed (`element`, its linear index).
  mlir::FailureOr<Scalar> run(llvm::ArrayRef<Scalar> args, int64_t element) const;

private:
  struct Step {
    mlir::Operation *op;
    llvm::SmallVector<unsigned, 3> operands; // slots
    unsigned result;                         // slot
    ScalarFn fn;
  };
  mlir::Operation *user = nullptr;
  unsigned numSlots = 0, yielded = 0;
  std::vector<Step> steps;
};

} // namespace kiln::interp

#endif // KILN_COMPILER_LIB_INTERPRETER_KERNELS_H
