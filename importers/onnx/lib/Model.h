//===- Model.h - Reading and preparing an ONNX model ----------------------===//
//
// Internal to the importer: the steps ONNX's own libraries take before any node is imported.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IMPORTERS_ONNX_MODEL_H
#define KILN_IMPORTERS_ONNX_MODEL_H

#include "kiln/Importers/ONNX.h"

#include "onnx/onnx_pb.h"

namespace kiln::onnx_importer {

/// The opset of the default domain that `model` imports, or 0.
int64_t defaultDomainOpset(const onnx::ModelProto &model);

/// Whether `domain` names ONNX's default operator set.
inline bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// Parses `bytes` into `model`, runs ONNX's checker, raises the opset to kNewestOpset with ONNX's
/// version converter, fixes the inputs' symbolic dimensions from `options` and infers every
/// value's type with ONNX's shape inference (with data propagation, so shape arithmetic gives
/// static shapes). Sets `originalOpset` to the model's own opset. Appends a line to `problems` for
/// each problem; returns false if there was one.
bool prepareModel(llvm::StringRef bytes, const ImportOptions &options, onnx::ModelProto &model,
                  std::vector<std::string> &problems, int64_t &originalOpset);

} // namespace kiln::onnx_importer

#endif
