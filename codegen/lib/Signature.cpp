//===- Signature.cpp - The C-level signature of each graph ----------------===//
#include "kiln/Codegen/Signature.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/abi.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace kiln {

uint32_t dtypeOf(Type type) {
  if (type.isF32())
    return KILN_DTYPE_F32;
  if (type.isF64())
    return KILN_DTYPE_F64;
  if (type.isF16())
    return KILN_DTYPE_F16;
  if (type.isBF16())
    return KILN_DTYPE_BF16;
  if (type.isSignlessInteger(1))
    return KILN_DTYPE_BOOL;
  if (type.isSignlessInteger(8))
    return KILN_DTYPE_I8;
  if (type.isSignlessInteger(16))
    return KILN_DTYPE_I16;
  if (type.isSignlessInteger(32))
    return KILN_DTYPE_I32;
  if (type.isSignlessInteger(64))
    return KILN_DTYPE_I64;
  if (type.isUnsignedInteger(8))
    return KILN_DTYPE_U8;
  if (type.isUnsignedInteger(16))
    return KILN_DTYPE_U16;
  if (type.isUnsignedInteger(32))
    return KILN_DTYPE_U32;
  return 0;
}

namespace {
struct DtypeInfo {
  const char *name, *ctype;
  uint64_t size;
};
DtypeInfo dtypeInfo(uint32_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return {"f32", "float", 4};
  case KILN_DTYPE_F64:
    return {"f64", "double", 8};
  case KILN_DTYPE_F16:
    return {"f16", "uint16_t", 2};
  case KILN_DTYPE_BF16:
    return {"bf16", "uint16_t", 2};
  case KILN_DTYPE_BOOL:
    return {"bool", "uint8_t", 1};
  case KILN_DTYPE_I8:
    return {"i8", "int8_t", 1};
  case KILN_DTYPE_I16:
    return {"i16", "int16_t", 2};
  case KILN_DTYPE_I32:
    return {"i32", "int32_t", 4};
  case KILN_DTYPE_I64:
    return {"i64", "int64_t", 8};
  case KILN_DTYPE_U8:
    return {"u8", "uint8_t", 1};
  case KILN_DTYPE_U16:
    return {"u16", "uint16_t", 2};
  case KILN_DTYPE_U32:
    return {"u32", "uint32_t", 4};
  default:
    return {"?", "void", 0};
  }
}

/// The lowered function that holds a graph's code: `<graph>.body` when kiln-plan-workspace
/// gave it a workspace, else `<graph>` itself; null when the module has neither.
LLVM::LLVMFuncOp graphCode(ModuleOp lowered, const GraphSignature &graph) {
  if (auto body = lowered.lookupSymbol<LLVM::LLVMFuncOp>(graph.name + ".body"))
    return body;
  return lowered.lookupSymbol<LLVM::LLVMFuncOp>(graph.name);
}
} // namespace

const char *dtypeName(uint32_t dtype) { return dtypeInfo(dtype).name; }
const char *dtypeCType(uint32_t dtype) { return dtypeInfo(dtype).ctype; }
uint64_t dtypeSize(uint32_t dtype) { return dtypeInfo(dtype).size; }

uint64_t numElements(const ArgSignature &arg) {
  uint64_t n = 1;
  for (int64_t d : arg.shape)
    n *= d;
  return n;
}

uint64_t byteSize(const ArgSignature &arg) { return numElements(arg) * dtypeSize(arg.dtype); }

static ArgSignature argSignature(std::string name, Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return {std::move(name), dtypeOf(tensor.getElementType()),
          std::vector<int64_t>(tensor.getShape().begin(), tensor.getShape().end())};
}

/// C and C++ keywords, and the header's own parameter name, cannot name parameters.
static bool isReservedName(StringRef name) { return isCOrCxxKeyword(name) || name == "kiln_ctx"; }

std::vector<GraphSignature> collectGraphSignatures(ModuleOp module) {
  std::vector<GraphSignature> graphs;
  for (GraphOp graph : module.getOps<GraphOp>()) {
    GraphSignature sig;
    sig.name = graph.getSymName().str();
    llvm::StringSet<> used;
    auto unique = [&](std::string name, std::string fallback) {
      if (isReservedName(name) || used.contains(name))
        name = fallback;
      while (used.contains(name))
        name += "_";
      used.insert(name);
      return name;
    };
    for (auto [i, type] : llvm::enumerate(graph.getArgumentTypes()))
      sig.inputs.push_back(
          argSignature(unique(graph.getArgName(i), "arg" + std::to_string(i)), type));
    for (auto [i, type] : llvm::enumerate(graph.getResultTypes()))
      sig.outputs.push_back(
          argSignature(unique(graph.getResultName(i), "result" + std::to_string(i)), type));
    graphs.push_back(std::move(sig));
  }
  return graphs;
}

LogicalResult verifyBarePointerEntries(ModuleOp lowered, ArrayRef<GraphSignature> graphs) {
  for (const GraphSignature &graph : graphs) {
    LLVM::LLVMFuncOp function = graphCode(lowered, graph);
    if (!function)
      continue;
    bool takesWorkspace = function.getName() != graph.name;
    size_t expected = 1 + (takesWorkspace ? 1 : 0) + graph.inputs.size() + graph.outputs.size();
    ArrayRef<Type> params = function.getFunctionType().getParams();
    if (params.size() == expected && llvm::all_of(params, llvm::IsaPred<LLVM::LLVMPointerType>))
      continue;
    return function.emitError() << "graph '" << graph.name
                                << "' lowered to an entry that does not take its tensors as "
                                   "bare pointers (the C ABI): a bug in Kiln, please report it "
                                   "with the input";
  }
  return success();
}

LogicalResult collectKernelNames(ModuleOp lowered, std::vector<GraphSignature> &graphs) {
  for (GraphSignature &graph : graphs) {
    LLVM::LLVMFuncOp function = graphCode(lowered, graph);
    if (!function)
      continue;
    std::vector<std::string> names;
    // kKernelsAttrName of kiln/Compiler/KernelNames.h, which codegen does not depend on.
    if (auto table = function->getAttrOfType<ArrayAttr>("kiln.kernels"))
      for (StringRef name : table.getAsValueRange<StringAttr>())
        names.push_back(name.str());
    if (!graph.kernelsKnown) {
      graph.kernels = std::move(names);
      graph.kernelsKnown = true;
      continue;
    }
    if (names != graph.kernels)
      return function.emitError()
             << "the CPU variants of graph '" << graph.name
             << "' name different kernels: a bug in Kiln, please report it with the input";
  }
  return success();
}

LogicalResult collectBatchCalls(ModuleOp lowered, std::vector<GraphSignature> &graphs) {
  for (GraphSignature &graph : graphs) {
    LLVM::LLVMFuncOp function = graphCode(lowered, graph);
    // kBatchSplitAttr of kiln/Compiler/Passes.h, which codegen does not depend on.
    auto attr = function ? function->getAttrOfType<IntegerAttr>("kiln.batch_split") : nullptr;
    if (!attr)
      continue;
    int64_t calls = attr.getInt();
    auto dividesBatch = [&](const ArgSignature &arg) {
      return !arg.shape.empty() && arg.shape.front() % calls == 0;
    };
    if (calls < 1 || !llvm::all_of(graph.inputs, dividesBatch) ||
        !llvm::all_of(graph.outputs, dividesBatch))
      return function.emitError() << "graph '" << graph.name << "' is split into " << calls
                                  << " calls that do not divide its batch: a bug in Kiln, "
                                     "please report it with the input";
    graph.batchCalls = calls;
  }
  return success();
}

} // namespace kiln
