//===- Interpreter.h - The reference interpreter of Kiln graphs -----------===//
//
// Evaluates a verified kiln.graph in float64/int64 straight from the IR. It shares no code with
// the lowering (compiler/lib/Conversion, Transforms, Pipelines) on purpose: it is the oracle the
// end-to-end tests and the differential fuzzer compare compiled code against, and a lowering bug
// must not be able to hide by being reproduced in the oracle. It only relies on the dialect
// (ops, verifiers, ShapeInference.h), whose contract both sides implement.
//
// Semantics: every op computes from its operands in double (floats) or int64 (integers) and
// rounds its result once to the result's element type (f32 through float; f16 and bf16 through
// APFloat, round to nearest even); integers wrap to their bit width. Kernels (kiln.map,
// kiln.reduce) evaluate their arith/math body per element, rounding after every scalar op.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_INTERPRETER_INTERPRETER_H
#define KILN_INTERPRETER_INTERPRETER_H

#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace kiln {

/// A tensor value of the reference interpreter: its type and its elements in row-major order,
/// widened to `double` for float element types and to `int64_t` for integer ones.
///
/// Invariant: every element lies in the element type. Floats are exactly representable in it;
/// integers are sign-extended from their bit width, except i1, which holds 0 or 1, and the
/// unsigned types, which hold their value (zero-extended). The
/// constructors that take values establish it (rounding and wrapping); code that writes through
/// `floats()`/`ints()` must keep it, e.g. by calling `roundToElementType()` afterwards.
class RefTensor {
public:
  RefTensor() = default;
  /// A zero-filled tensor of `type`.
  explicit RefTensor(mlir::RankedTensorType type);
  /// A float tensor holding `values`, each rounded to the element type.
  RefTensor(mlir::RankedTensorType type, std::vector<double> values);
  /// An integer tensor holding `values`, each wrapped to the element type (i1: the low bit).
  RefTensor(mlir::RankedTensorType type, std::vector<int64_t> values);

  /// The elements of a dense constant (splats included), or nullopt for attribute kinds whose
  /// values cannot be enumerated (e.g. an unloaded resource blob).
  static std::optional<RefTensor> fromAttr(mlir::ElementsAttr attr);

  mlir::RankedTensorType getType() const { return type; }
  mlir::Type getElementType() const { return type.getElementType(); }
  llvm::ArrayRef<int64_t> getShape() const { return type.getShape(); }
  int64_t getNumElements() const { return type.getNumElements(); }
  /// Whether the elements live in `floats()` (else in `ints()`).
  bool isFloat() const { return mlir::isa<mlir::FloatType>(type.getElementType()); }

  llvm::ArrayRef<double> floats() const { return floatValues; }
  llvm::MutableArrayRef<double> floats() { return floatValues; }
  llvm::ArrayRef<int64_t> ints() const { return intValues; }
  llvm::MutableArrayRef<int64_t> ints() { return intValues; }

  /// Rounds (floats) or wraps (integers) every element into the element type.
  void roundToElementType();

private:
  mlir::RankedTensorType type;
  std::vector<double> floatValues;
  std::vector<int64_t> intValues;
};

/// `value` rounded to the nearest value of float type `type` (ties to even); inf and NaN stay.
double roundToFloatType(double value, mlir::Type type);

/// The low bits of `value` for integer type `type`, sign-extended; for i1 the low bit (0 or 1),
/// for ui8/ui16/ui32 zero-extended.
int64_t wrapToIntType(int64_t value, mlir::Type type);

/// Evaluates `graph` on `inputs` (one per argument, of the argument's exact type) and returns
/// its results in order. Problems (wrong inputs, an op the interpreter does not know, a runtime
/// error inside a kernel such as an integer division by zero) are reported as MLIR diagnostics
/// located at the offending op and give failure. The graph's module must have been verified.
mlir::FailureOr<llvm::SmallVector<RefTensor>> interpretGraph(GraphOp graph,
                                                             llvm::ArrayRef<RefTensor> inputs);

} // namespace kiln

#endif // KILN_INTERPRETER_INTERPRETER_H
