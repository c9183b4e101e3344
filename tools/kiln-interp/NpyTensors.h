//===- NpyTensors.h - .npy arrays to and from interpreter tensors ---------===//
#ifndef KILN_TOOLS_KILN_INTERP_NPYTENSORS_H
#define KILN_TOOLS_KILN_INTERP_NPYTENSORS_H

#include "Npy.h"

#include "kiln/Interpreter/Interpreter.h"

#include <optional>
#include <string>

namespace kiln::interp_tool {

/// The kiln_dtype of an MLIR element type, or nullopt for a type .npy cannot hold (bf16) or
/// that Kiln does not know.
std::optional<uint32_t> npyDtypeOf(mlir::Type elementType);

/// "f32[2x3]", as kiln-run and the runtime spell types.
std::string formatType(mlir::RankedTensorType type);
std::string formatType(const npy::Array &array);

/// The elements of `array` as a tensor of `type`, whose dtype and shape it must have.
RefTensor toTensor(const npy::Array &array, mlir::RankedTensorType type);

/// `tensor` as an array of its own dtype (f16 as float16); false with `error` if impossible.
bool toArray(const RefTensor &tensor, npy::Array &array, std::string &error);

} // namespace kiln::interp_tool

#endif // KILN_TOOLS_KILN_INTERP_NPYTENSORS_H
