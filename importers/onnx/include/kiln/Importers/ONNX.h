//===- ONNX.h - ONNX models to Kiln graphs --------------------------------===//
//
// The ONNX front end: a model file's bytes become a module with one kiln.graph, which the
// compile driver (kiln/Compiler/Driver.h) compiles like a parsed .mlir file. No ONNX or
// protobuf type appears here; docs/onnx.md lists the supported ops and their limits.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IMPORTERS_ONNX_H
#define KILN_IMPORTERS_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kiln::onnx_importer {

/// The oldest and newest opsets of the default ONNX domain that the importer takes. Older models
/// are first raised to kNewestOpset by ONNX's version converter.
constexpr int kOldestOpset = 7;
constexpr int kNewestOpset = 17;

struct ImportOptions {
  /// The graph's name; empty: the ONNX graph's name, made a C identifier.
  std::string graphName;
  /// Values for symbolic or unknown input dimensions: {"batch", 1}.
  std::vector<std::pair<std::string, int64_t>> dims;
  /// Inputs fixed at build time, each with a serialized ONNX TensorProto (what
  /// onnx.numpy_helper.from_array(...).SerializeToString() gives): they become initializers and
  /// leave the graph's arguments. Needed when an input decides shapes (a Reshape's shape).
  std::vector<std::pair<std::string, std::string>> inputValues;
};

/// Whether `bytes` (a file's contents) are an ONNX model rather than Kiln IR text: a `.onnx`
/// file name, or content that starts as a serialized ModelProto does.
bool looksLikeONNXModel(llvm::StringRef fileName, llvm::StringRef bytes);

/// Every problem the importer found in a model, one line each ("node 'conv1' (Conv, opset 13):
/// attribute 'auto_pad' = "SAME_LOWER" is not supported"), in model order.
class ImportProblems : public llvm::ErrorInfo<ImportProblems> {
public:
  static char ID;
  explicit ImportProblems(std::vector<std::string> problems) : problems(std::move(problems)) {}
  const std::vector<std::string> &getProblems() const { return problems; }
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  std::vector<std::string> problems;
};

/// Imports the model in `bytes`. Each op is located at its ONNX node (`loc("node name")`), the
/// graph's arguments are the model's inputs that are not initializers, in order, named after
/// them. Initializers become constants held as dense resource blobs. On failure, returns
/// ImportProblems listing every problem.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(llvm::StringRef bytes, mlir::MLIRContext &context, const ImportOptions &options);

/// The ONNX options that kilnc and kiln-import-onnx share (--graph-name, --dim NAME=N,
/// --input-value NAME=FILE.pb), registered in `category` when constructed: construct it as a
/// global, like any cl::opt.
struct ImportCommandLine {
  explicit ImportCommandLine(llvm::cl::OptionCategory &category);
  /// The options as ImportOptions, the --input-value files read. Prints "TOOL: error: ..." to
  /// `os` and returns nullopt when one is malformed or a file cannot be read.
  std::optional<ImportOptions> parse(llvm::raw_ostream &os, llvm::StringRef tool) const;
  /// Whether any of them was given.
  bool any() const { return !graphName.empty() || !dims.empty() || !inputValues.empty(); }

  llvm::cl::opt<std::string> graphName;
  llvm::cl::list<std::string> dims;
  llvm::cl::list<std::string> inputValues;
};

/// Prints each problem of `error` as "FILE: error: PROBLEM" (other errors as "FILE: error:
/// MESSAGE") to `os`; returns 1, the tools' exit status.
int reportImportProblems(llvm::Error error, llvm::StringRef fileName, llvm::raw_ostream &os);

} // namespace kiln::onnx_importer

#endif // KILN_IMPORTERS_ONNX_H
