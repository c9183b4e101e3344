//===- KilnOps.h - Kiln operations ----------------------------------------===//
#ifndef KILN_DIALECT_KILN_KILNOPS_H
#define KILN_DIALECT_KILN_KILNOPS_H

#include "kiln/Dialect/Kiln/KilnDialect.h"
#include "kiln/Dialect/Kiln/KilnTraits.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "kiln/Dialect/Kiln/KilnOps.h.inc"

namespace kiln {
/// Whether `type` is one of Kiln's scalar element types: f32 f64 f16 bf16 i1 i8 i16 i32 i64
/// (signless), the types of kernels' scalars.
bool isElementType(mlir::Type type);
/// Whether a tensor (a graph's argument or result) may hold `type`: a scalar element type, or
/// ui8, ui16 or ui32.
bool isTensorElementType(mlir::Type type);
/// Whether `name` can name a C symbol or parameter: [A-Za-z_][A-Za-z0-9_]*.
bool isCIdentifier(llvm::StringRef name);
} // namespace kiln

#endif
