//===- ConstantBuffers.h - Buffers whose contents are known at build time -===//
#ifndef KILN_COMPILER_TRANSFORMS_CONSTANTBUFFERS_H
#define KILN_COMPILER_TRANSFORMS_CONSTANTBUFFERS_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include <optional>
#include <vector>

namespace kiln {

/// The f32 elements, in row-major order, of `buffer` when it is a constant: a
/// memref.get_global of a constant global with an initial value (a dense or resource
/// attribute), seen through collapse_shape and expand_shape, which keep the row-major order.
std::optional<std::vector<float>> readConstantF32(mlir::Value buffer);

/// A private constant memref.global of type `type` holding `values` (row-major), aligned to
/// `alignment` bytes, named after `name` (made unique in the module), and a get_global of it
/// built at `builder`'s insertion point.
mlir::Value createConstantF32(mlir::OpBuilder &builder, mlir::Location loc, mlir::MemRefType type,
                              llvm::ArrayRef<float> values, llvm::StringRef name,
                              int64_t alignment);

/// Erases `buffer`'s get_global (and the reshapes in between) when nothing else uses them, and
/// the global when no other get_global names it: build-time copies replace what they came
/// from instead of doubling the artifact.
void eraseIfUnused(mlir::Value buffer);

} // namespace kiln

#endif
