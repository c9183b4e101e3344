//===- kiln-interp.cpp - Runs a Kiln graph with the reference interpreter -===//
//
// Thin: parses and verifies the module, checks the .npy inputs against the graph's signature,
// calls the interpreter library (compiler/lib/Interpreter) and writes the results. Nothing is
// compiled: the results are the float64/int64 reference that compiled code is tested against.
//
//===----------------------------------------------------------------------===//
#include "ArrayPrinter.h"
#include "Npy.h"
#include "NpyTensors.h"

#include "kiln/Compiler/ToolVersion.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ParserGuards.h"
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <cstdio>

using namespace llvm;
using namespace kiln::interp_tool;

namespace {

cl::OptionCategory category("kiln-interp options");

cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.mlir>"), cl::Required,
                               cl::cat(category));
cl::opt<std::string> graphName("graph",
                               cl::desc("The graph to run; may be left out when the module has "
                                        "exactly one"),
                               cl::value_desc("name"), cl::cat(category));
cl::list<std::string>
    inputFiles("input",
               cl::desc("An input, once per graph argument, in argument order; its dtype and shape "
                        "must match the argument's type"),
               cl::value_desc("file.npy"), cl::cat(category));
cl::list<std::string> outputFiles(
    "output",
    cl::desc("Where to write a result, in result order (results without one are not written)"),
    cl::value_desc("file.npy"), cl::cat(category));
cl::opt<bool> printResults("print",
                           cl::desc("Print every result: name, dtype, shape and values (big "
                                    "arrays abridged)"),
                           cl::cat(category));
cl::opt<bool> listGraphs("list", cl::desc("Print the module's graph signatures, then exit"),
                         cl::cat(category));

const char *const overview = R"(Kiln reference interpreter

Runs a graph of a Kiln module (.mlir) on NumPy .npy files without compiling it. Every op is
computed in float64 (floats) or int64 (integers) from its operands and its result is rounded
once to the result's element type (f16/bf16: round to nearest even) or wrapped to its width;
kernel bodies (kiln.map, kiln.reduce) round after every scalar op. It shares no code with the
lowering, so its results are the reference that kilnc's output is checked against.

Inputs and outputs are .npy files (format 1.0-3.0, little-endian, C order) whose dtypes map
to element types as <f4 f32, <f8 f64, <f2 f16, |b1 i1, |i1 i8, <i2 i16, <i4 i32, <i8 i64.
bf16 cannot cross the command line (.npy has no bfloat16): give the graph f32 arguments and
results and kiln.cast to and from bf16 inside it.

Errors in the IR, including runtime errors inside kernels (integer division by zero, ...),
are reported as file:line:col: error: ...; outputs are written only when the whole graph ran,
each replaced atomically. Exit status: 0 on success, 1 on any error.
)";

/// Reports a failure that has no location in the IR.
int fail(const Twine &message) {
  WithColor::error(errs(), "kiln-interp") << message << "\n";
  return 1;
}

/// "1 input", "2 inputs"
std::string countOf(size_t count, StringRef noun) {
  return std::to_string(count) + " " + noun.str() + (count == 1 ? "" : "s");
}

std::string resultName(size_t i) { return "result" + std::to_string(i); }

std::string argumentList(kiln::GraphOp graph) {
  std::string text = "(";
  for (auto [i, type] : enumerate(graph.getArgumentTypes()))
    text += (i ? ", " : "") + graph.getArgName(i) + ": " +
            formatType(cast<mlir::RankedTensorType>(type));
  return text + ")";
}

std::string resultList(kiln::GraphOp graph) {
  std::string text = "(";
  for (auto [i, type] : enumerate(graph.getResultTypes()))
    text += (i ? ", " : "") + resultName(i) + ": " + formatType(cast<mlir::RankedTensorType>(type));
  return text + ")";
}

/// Rejects modules holding anything but Kiln ops at the top level, as kilnc does.
mlir::LogicalResult checkTopLevel(mlir::ModuleOp module) {
  for (mlir::Operation &op : module.getBody()->getOperations())
    if (!isa<kiln::KilnDialect>(op.getDialect()))
      return op.emitError() << "unexpected '" << op.getName()
                            << "' at the top level of a Kiln module (expected kiln.graph)";
  return mlir::success();
}

std::optional<kiln::GraphOp> selectGraph(ArrayRef<kiln::GraphOp> graphs) {
  std::string names;
  for (kiln::GraphOp graph : graphs) {
    if (!graphName.empty() && graph.getSymName() == graphName)
      return graph;
    names += (names.empty() ? "" : ", ") + graph.getSymName().str();
  }
  if (!graphName.empty())
    fail("'" + modelFile + "' has no graph '" + graphName +
         "' (it has: " + (names.empty() ? "none" : names) + ")");
  else if (graphs.empty())
    fail("'" + modelFile + "' has no graphs");
  else if (graphs.size() == 1)
    return graphs.front();
  else
    fail("'" + modelFile + "' has " + countOf(graphs.size(), "graph") + " (" + names +
         "); choose one with --graph");
  return std::nullopt;
}

/// .npy has no bfloat16, so bf16 cannot enter or leave a graph through this tool; the message
/// (kiln-run's) says how to write such a graph instead.
bool rejectBf16(kiln::GraphOp graph) {
  auto check = [&](ArrayRef<mlir::Type> types, StringRef what, auto nameOf) {
    for (auto [i, type] : enumerate(types))
      if (cast<mlir::RankedTensorType>(type).getElementType().isBF16()) {
        fail(what + " " + Twine(i) + " '" + nameOf(i) + "' of graph '" + graph.getSymName() +
             "' is bf16, which .npy files cannot hold: take or return f32 and kiln.cast to or "
             "from bf16 inside the graph");
        return false;
      }
    return true;
  };
  return check(graph.getArgumentTypes(), "input", [&](size_t i) { return graph.getArgName(i); }) &&
         check(graph.getResultTypes(), "output", resultName);
}

/// Reads the --input files and checks them against the graph's arguments.
std::optional<SmallVector<kiln::RefTensor>> readInputs(kiln::GraphOp graph) {
  ArrayRef<mlir::Type> types = graph.getArgumentTypes();
  if (inputFiles.size() != types.size()) {
    fail("graph '" + graph.getSymName() + "' takes " + countOf(types.size(), "input") + " " +
         argumentList(graph) + ", but " + countOf(inputFiles.size(), "--input file") +
         (inputFiles.size() == 1 ? " was" : " were") + " given");
    return std::nullopt;
  }
  SmallVector<kiln::RefTensor> inputs;
  for (auto [i, type] : enumerate(types)) {
    auto tensorType = cast<mlir::RankedTensorType>(type);
    kiln::npy::Array array;
    std::string error;
    if (!kiln::npy::read(inputFiles[i], array, error)) {
      fail(error);
      return std::nullopt;
    }
    std::string expected = formatType(tensorType), given = formatType(array);
    if (expected != given) {
      fail("input " + Twine(i) + " '" + graph.getArgName(i) + "' ('" + inputFiles[i] +
           "'): expected " + expected + ", got " + given);
      return std::nullopt;
    }
    inputs.push_back(toTensor(array, tensorType));
  }
  return inputs;
}

int writeAndPrint(ArrayRef<kiln::RefTensor> results) {
  std::vector<kiln::npy::Array> arrays(results.size());
  for (auto [i, result] : enumerate(results)) {
    std::string error;
    if (!toArray(result, arrays[i], error))
      return fail(resultName(i) + ": " + error);
  }
  for (auto [i, path] : enumerate(outputFiles)) {
    std::string error;
    if (!kiln::npy::write(path, arrays[i], error))
      return fail(error);
  }
  if (printResults)
    for (auto [i, array] : enumerate(arrays))
      std::printf("%s: %s\n%s\n", resultName(i).c_str(), formatType(array).c_str(),
                  kiln::run::formatArray(array).c_str());
  return 0;
}

int run() {
  std::string openError;
  std::unique_ptr<MemoryBuffer> input = mlir::openInputFile(modelFile, &openError);
  if (!input)
    return fail(openError);
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  // The interpreter runs on one thread; a context without a thread pool starts faster.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<kiln::KilnDialect>(); // and arith and math, which it depends on
  context.printOpOnDiagnostic(false);
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // Parsing verifies the module; every error is located (file:line:col).
  if (failed(kiln::rejectParserCrashes(sourceMgr)))
    return 1;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module || failed(checkTopLevel(*module)))
    return 1;
  SmallVector<kiln::GraphOp> graphs(module->getOps<kiln::GraphOp>());
  if (listGraphs) {
    std::printf("%s:\n", modelFile.c_str());
    for (kiln::GraphOp graph : graphs)
      std::printf("  %s%s -> %s\n", graph.getSymName().str().c_str(), argumentList(graph).c_str(),
                  resultList(graph).c_str());
    return 0;
  }
  std::optional<kiln::GraphOp> graph = selectGraph(graphs);
  if (!graph)
    return 1;
  size_t numResults = graph->getResultTypes().size();
  if (outputFiles.size() > numResults)
    return fail(countOf(outputFiles.size(), "--output file") +
                (outputFiles.size() == 1 ? " was" : " were") + " given, but graph '" +
                graph->getSymName() + "' has " + countOf(numResults, "result") + " " +
                resultList(*graph));
  if (!rejectBf16(*graph))
    return 1;
  std::optional<SmallVector<kiln::RefTensor>> inputs = readInputs(*graph);
  if (!inputs)
    return 1;
  mlir::FailureOr<SmallVector<kiln::RefTensor>> results = kiln::interpretGraph(*graph, *inputs);
  if (failed(results))
    return 1;
  return writeAndPrint(*results);
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  kiln::setToolVersionPrinter("kiln-interp");
  cl::ParseCommandLineOptions(argc, argv, overview);
  return run();
}
