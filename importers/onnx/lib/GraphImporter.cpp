//===- GraphImporter.cpp - An ONNX graph to one kiln.graph ----------------===//
//
// Nodes are imported in the order ONNX stores them (topological, by the standard). A node whose
// inputs are all known at import and whose importer folds it (shape arithmetic) yields known
// tensors, never ops; every other node yields Kiln ops located at the node. Problems are
// collected, not thrown: the caller gets every unsupported node in one report.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"
#include "Model.h"

#include "kiln/Dialect/Kiln/KilnDialect.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace kiln::onnx_importer {

char ImportProblems::ID;

void ImportProblems::log(llvm::raw_ostream &os) const { llvm::interleave(problems, os, "\n"); }

std::error_code ImportProblems::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

ImportCommandLine::ImportCommandLine(llvm::cl::OptionCategory &category)
    : graphName("graph-name", llvm::cl::desc("Name of the graph (default: the ONNX graph's name)"),
                llvm::cl::value_desc("name"), llvm::cl::cat(category)),
      dims("dim", llvm::cl::desc("Fix a symbolic input dimension, e.g. --dim batch=1 (repeatable)"),
           llvm::cl::value_desc("name=N"), llvm::cl::cat(category)),
      inputValues("input-value",
                  llvm::cl::desc("Fix an input at build time to the tensor in FILE.pb (an ONNX "
                                 "TensorProto); it leaves the graph's arguments. For inputs "
                                 "that decide shapes (repeatable)"),
                  llvm::cl::value_desc("name=FILE.pb"), llvm::cl::cat(category)) {}

std::optional<ImportOptions> ImportCommandLine::parse(llvm::raw_ostream &os,
                                                      llvm::StringRef tool) const {
  ImportOptions options;
  options.graphName = graphName;
  for (llvm::StringRef dim : dims) {
    auto [name, value] = dim.split('=');
    int64_t size;
    if (name.empty() || value.getAsInteger(10, size) || size < 0) {
      os << tool << ": error: --dim " << dim << ": expected NAME=N with N >= 0\n";
      return std::nullopt;
    }
    options.dims.push_back({name.str(), size});
  }
  for (llvm::StringRef binding : inputValues) {
    auto [name, path] = binding.split('=');
    if (name.empty() || path.empty()) {
      os << tool << ": error: --input-value " << binding << ": expected NAME=FILE.pb\n";
      return std::nullopt;
    }
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file = llvm::MemoryBuffer::getFile(path);
    if (!file) {
      os << tool << ": error: --input-value " << binding << ": cannot read '" << path
         << "': " << file.getError().message() << "\n";
      return std::nullopt;
    }
    options.inputValues.push_back({name.str(), (*file)->getBuffer().str()});
  }
  return options;
}

int reportImportProblems(llvm::Error error, llvm::StringRef fileName, llvm::raw_ostream &os) {
  llvm::handleAllErrors(
      std::move(error),
      [&](const ImportProblems &problems) {
        for (const std::string &problem : problems.getProblems())
          os << fileName << ": error: " << problem << "\n";
      },
      [&](const llvm::ErrorInfoBase &info) {
        os << fileName << ": error: " << info.message() << "\n";
      });
  return 1;
}

bool looksLikeONNXModel(llvm::StringRef fileName, llvm::StringRef bytes) {
  if (fileName.ends_with_insensitive(".onnx"))
    return true;
  // A serialized ModelProto starts with a field tag: exporters write ir_version (field 1,
  // varint: 0x08) first. No Kiln IR text starts with a control character.
  return !bytes.empty() && bytes[0] == 0x08;
}

namespace {

/// `name` made a C identifier: other characters become '_', a leading digit gets a prefix.
std::string toCIdentifier(llvm::StringRef name, llvm::StringRef prefix) {
  std::string id;
  for (char c : name)
    id += llvm::isAlnum(c) ? c : '_';
  if (id.empty() || llvm::isDigit(id[0]) || id[0] == '_')
    id = prefix.str() + "_" + id;
  return id;
}

const OpTable &opTable() {
  static const OpTable table = [] {
    OpTable t;
    addElementwiseOps(t);
    addShapeOps(t);
    addNeuralNetOps(t);
    addReductionOps(t);
    addIndexingOps(t);
    addResizeOps(t);
    addEinsumOps(t);
    addQuantizationOps(t);
    return t;
  }();
  return table;
}

} // namespace

class GraphImporter {
public:
  GraphImporter(const onnx::ModelProto &model, int64_t originalOpset, MLIRContext &context)
      : model(model), originalOpset(originalOpset), context(context), builder(&context) {}

  OwningOpRef<ModuleOp> run(const ImportOptions &options);
  std::vector<std::string> takeProblems() { return std::move(problems); }

  // For NodeImporter.
  ImportedValue *lookup(const std::string &name) {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
  Value materialize(const std::string &name, ImportedValue &value);
  RankedTensorType typeOf(const std::string &name, std::string &problem);
  bool isUsed(const std::string &name) const { return used.count(name) != 0; }
  void define(const std::string &name, ImportedValue value) { values[name] = std::move(value); }
  void report(const onnx::NodeProto &node, const llvm::Twine &why);

  OpBuilder &getBuilder() { return builder; }
  MLIRContext &getContext() { return context; }
  int64_t getOriginalOpset() const { return originalOpset; }

private:
  void collectTypes();
  void importInitializers();
  void importNode(const onnx::NodeProto &node, unsigned index);

  const onnx::ModelProto &model;
  int64_t originalOpset;
  MLIRContext &context;
  OpBuilder builder;
  std::map<std::string, const onnx::TypeProto *> types;
  std::map<std::string, ImportedValue> values;
  std::set<std::string> used;
  std::vector<std::string> problems;
};

void GraphImporter::report(const onnx::NodeProto &node, const llvm::Twine &why) {
  std::string name = node.name().empty() ? "" : "'" + node.name() + "' ";
  problems.push_back("node " + name + "(" + node.op_type() + ", opset " +
                     std::to_string(originalOpset) + "): " + why.str());
}

void GraphImporter::collectTypes() {
  const onnx::GraphProto &graph = model.graph();
  auto collect = [&](const auto &infos) {
    for (const onnx::ValueInfoProto &info : infos)
      if (info.has_type())
        types[info.name()] = &info.type();
  };
  collect(graph.input());
  collect(graph.value_info());
  collect(graph.output());
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      used.insert(input);
  for (const onnx::ValueInfoProto &output : graph.output())
    used.insert(output.name());
}

RankedTensorType GraphImporter::typeOf(const std::string &name, std::string &problem) {
  auto it = types.find(name);
  if (it == types.end() || !it->second->has_tensor_type()) {
    problem = "ONNX shape inference gives no tensor type for '" + name + "'";
    return nullptr;
  }
  const onnx::TypeProto::Tensor &tensor = it->second->tensor_type();
  Type elementType = elementTypeOf(tensor.elem_type(), &context);
  if (!elementType) {
    problem = "'" + name + "' has element type " + onnxTypeName(tensor.elem_type()) +
              ", which Kiln does not support";
    return nullptr;
  }
  if (!tensor.has_shape()) {
    problem = "ONNX shape inference gives no shape for '" + name + "'";
    return nullptr;
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0) {
      problem = "the shape of '" + name + "' is not static after ONNX shape inference (" +
                (dim.has_dim_param() ? "dimension '" + dim.dim_param() + "'"
                                     : std::string("an unknown dimension")) +
                "); Kiln compiles static shapes";
      return nullptr;
    }
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, elementType);
}

Value GraphImporter::materialize(const std::string &name, ImportedValue &value) {
  if (!value.value) {
    ElementsAttr attr = value.constant->toAttr(toCIdentifier(name, "c"));
    value.value = kiln::ConstantOp::create(builder, NameLoc::get(builder.getStringAttr(name)),
                                           attr.getType(), attr)
                      .getResult();
  }
  return value.value;
}

void GraphImporter::importInitializers() {
  for (const onnx::TensorProto &tensor : model.graph().initializer()) {
    std::string problem;
    std::optional<HostTensor> host = readTensor(tensor, &context, problem);
    if (!host) {
      problems.push_back("initializer: " + problem);
      continue;
    }
    values[tensor.name()] = ImportedValue{nullptr, std::move(host)};
  }
}

void GraphImporter::importNode(const onnx::NodeProto &node, unsigned index) {
  for (const std::string &input : node.input())
    if (!input.empty() && !values.count(input))
      return; // An input from a node already reported: no second report.
  if (!isDefaultDomain(node.domain())) {
    report(node, "op '" + node.op_type() + "' of domain '" + node.domain() +
                     "' is not supported: Kiln imports the default ONNX domain");
    return;
  }
  auto it = opTable().find(node.op_type());
  if (it == opTable().end()) {
    report(node, "op type '" + node.op_type() + "' is not supported");
    return;
  }
  std::string locName =
      node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
  NodeImporter importer(*this, node, NameLoc::get(builder.getStringAttr(locName)));
  it->second(importer);
  // An importer that refused the node early leaves attributes unread without ignoring them.
  if (!importer.hasFailed())
    for (const std::string &attr : importer.unreadAttributes())
      importer.unsupported("attribute '" + attr + "' is not supported");
  if (importer.hasFailed()) {
    for (const std::string &output : node.output())
      values.erase(output);
    return;
  }
  for (auto [i, output] : llvm::enumerate(node.output()))
    if (!output.empty() && !values.count(output) && isUsed(output))
      report(node, "output " + std::to_string(i) + " ('" + output + "') is not supported");
}

OwningOpRef<ModuleOp> GraphImporter::run(const ImportOptions &options) {
  collectTypes();
  importInitializers();
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (values.count(input.name()))
      continue; // An initializer with a default value: Kiln keeps the initializer.
    std::string problem;
    RankedTensorType type = typeOf(input.name(), problem);
    if (!type) {
      problems.push_back("input " + problem);
      continue;
    }
    argTypes.push_back(type);
    argNames.push_back(toCIdentifier(input.name(), "in"));
    args.push_back(&input);
  }
  SmallVector<Type> resultTypes;
  std::map<std::string, const onnx::NodeProto *> producers;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &output : node.output())
      producers[output] = &node;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    std::string problem;
    RankedTensorType type = typeOf(output.name(), problem);
    if (!type) {
      auto producer = producers.find(output.name());
      if (producer != producers.end())
        report(*producer->second, "output " + problem);
      else
        problems.push_back("output " + problem);
      continue;
    }
    resultTypes.push_back(type);
  }
  if (!problems.empty())
    return nullptr;

  std::string name =
      options.graphName.empty() ? toCIdentifier(graph.name(), "graph") : options.graphName;
  builder.setInsertionPointToEnd(module->getBody());
  SmallVector<Attribute> names, resultNames;
  for (const std::string &argName : argNames)
    names.push_back(builder.getStringAttr(argName));
  for (const onnx::ValueInfoProto &output : graph.output())
    resultNames.push_back(builder.getStringAttr(toCIdentifier(output.name(), "out")));
  auto graphOp = kiln::GraphOp::create(
      builder, NameLoc::get(builder.getStringAttr(graph.name())), builder.getStringAttr(name),
      TypeAttr::get(builder.getFunctionType(argTypes, resultTypes)), nullptr, nullptr,
      builder.getArrayAttr(names), builder.getArrayAttr(resultNames));
  Block *body = builder.createBlock(&graphOp.getBody());
  for (auto [arg, type] : llvm::zip(args, argTypes)) {
    BlockArgument value = body->addArgument(type, NameLoc::get(builder.getStringAttr(arg->name())));
    values[arg->name()] = ImportedValue{value, std::nullopt};
  }

  for (auto [index, node] : llvm::enumerate(graph.node()))
    importNode(node, index);

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      continue; // Its node was reported.
    results.push_back(materialize(output.name(), it->second));
  }
  if (!problems.empty())
    return nullptr;
  kiln::ReturnOp::create(builder, NameLoc::get(builder.getStringAttr("return")), results);
  return module;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, Location loc)
    : graph(graph), onnxNode(node), location(loc) {}

OpBuilder &NodeImporter::builder() { return graph.getBuilder(); }
int64_t NodeImporter::originalOpset() const { return graph.getOriginalOpset(); }
MLIRContext *NodeImporter::context() { return &graph.getContext(); }

Value NodeImporter::input(unsigned i) {
  ImportedValue *value = i < numInputs() ? graph.lookup(onnxNode.input(i)) : nullptr;
  if (!value) {
    // An absent input where the op needs one: refused, with a stand-in so that the importer
    // can finish the node (whose outputs are then dropped).
    unsupported("input " + llvm::Twine(i) + " is missing");
    return standIn();
  }
  return graph.materialize(onnxNode.input(i), *value);
}

Value NodeImporter::standIn() {
  auto type = RankedTensorType::get({}, builder().getF32Type());
  return kiln::ConstantOp::create(builder(), location, type,
                                  DenseElementsAttr::get(type, builder().getF32FloatAttr(0)));
}

const HostTensor *NodeImporter::constantInput(unsigned i) {
  if (!hasInput(i))
    return nullptr;
  ImportedValue *value = graph.lookup(onnxNode.input(i));
  return value->constant ? &*value->constant : nullptr;
}

RankedTensorType NodeImporter::inputType(unsigned i) {
  ImportedValue *value = i < numInputs() ? graph.lookup(onnxNode.input(i)) : nullptr;
  if (!value) {
    unsupported("input " + llvm::Twine(i) + " is missing");
    return cast<RankedTensorType>(standIn().getType());
  }
  if (value->constant)
    return value->constant->getType();
  return cast<RankedTensorType>(value->value.getType());
}

void NodeImporter::reportNotConstant(unsigned i, llvm::StringRef what) {
  unsupported("input '" + what + "' (value '" + onnxNode.input(i) +
              "') must be a constant (an initializer, shape arithmetic on static shapes, or "
              "a value given with --input-value); Kiln compiles static shapes");
}

std::optional<std::vector<int64_t>> NodeImporter::requireConstantInts(unsigned i,
                                                                      llvm::StringRef what) {
  const HostTensor *tensor = constantInput(i);
  if (!tensor || !tensor->isInteger()) {
    reportNotConstant(i, what);
    return std::nullopt;
  }
  return tensor->toInts();
}

std::optional<std::vector<double>> NodeImporter::requireConstantDoubles(unsigned i,
                                                                        llvm::StringRef what) {
  const HostTensor *tensor = hasInput(i) ? constantInput(i) : nullptr;
  if (!tensor) {
    reportNotConstant(i, what);
    return std::nullopt;
  }
  std::vector<double> values;
  for (int64_t k = 0; k < tensor->numElements(); ++k)
    values.push_back(tensor->doubleAt(k));
  return values;
}

bool NodeImporter::isOutputUsed(unsigned i) const {
  return i < numOutputs() && !onnxNode.output(i).empty() && graph.isUsed(onnxNode.output(i));
}

RankedTensorType NodeImporter::outputType(unsigned i) {
  std::string problem;
  RankedTensorType type = graph.typeOf(onnxNode.output(i), problem);
  if (!type)
    unsupported("output " + problem);
  return type;
}

RankedTensorType NodeImporter::staticOutputType(unsigned i) {
  std::string problem;
  return graph.typeOf(onnxNode.output(i), problem);
}

void NodeImporter::setOutput(unsigned i, Value value) {
  if (i < numOutputs() && !onnxNode.output(i).empty())
    graph.define(onnxNode.output(i), ImportedValue{value, std::nullopt});
}

void NodeImporter::setOutput(unsigned i, HostTensor value) {
  if (i < numOutputs() && !onnxNode.output(i).empty())
    graph.define(onnxNode.output(i), ImportedValue{nullptr, std::move(value)});
}

const onnx::AttributeProto *NodeImporter::findAttr(llvm::StringRef name) {
  readAttributes.insert(name.str());
  for (const onnx::AttributeProto &attr : onnxNode.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeImporter::hasAttr(llvm::StringRef name) const {
  return llvm::any_of(onnxNode.attribute(),
                      [&](const onnx::AttributeProto &attr) { return attr.name() == name; });
}

int64_t NodeImporter::intAttr(llvm::StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->i() : defaultValue;
}

float NodeImporter::floatAttr(llvm::StringRef name, float defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->f() : defaultValue;
}

std::string NodeImporter::stringAttr(llvm::StringRef name, llvm::StringRef defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->s() : defaultValue.str();
}

std::optional<std::vector<int64_t>> NodeImporter::intsAttr(llvm::StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::nullopt;
  return std::vector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::optional<std::vector<float>> NodeImporter::floatsAttr(llvm::StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::nullopt;
  return std::vector<float>(attr->floats().begin(), attr->floats().end());
}

const onnx::TensorProto *NodeImporter::tensorAttr(llvm::StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr && attr->has_t() ? &attr->t() : nullptr;
}

void NodeImporter::ignoreAttr(llvm::StringRef name) { readAttributes.insert(name.str()); }

void NodeImporter::unsupported(const llvm::Twine &why) {
  failedFlag = true;
  graph.report(onnxNode, why);
}

Value NodeImporter::scalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? Attribute(FloatAttr::get(elementType, value))
                          : Attribute(IntegerAttr::get(elementType, int64_t(value)));
  auto attr = DenseElementsAttr::get(type, element);
  return kiln::ConstantOp::create(builder(), location, type, attr).getResult();
}

std::vector<std::string> NodeImporter::unreadAttributes() const {
  std::vector<std::string> unread;
  for (const onnx::AttributeProto &attr : onnxNode.attribute())
    if (!readAttributes.count(attr.name()))
      unread.push_back(attr.name());
  return unread;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape, Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

Type elementTypeOf(Value value) { return cast<RankedTensorType>(value.getType()).getElementType(); }

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

Value transposeValue(NodeImporter &node, Value value, ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> shape;
  for (int64_t p : permutation)
    shape.push_back(shapeOf(value)[p]);
  return node.create<kiln::TransposeOp>(tensorType(shape, elementTypeOf(value)), value,
                                        node.builder().getDenseI64ArrayAttr(permutation));
}

Value compareValues(NodeImporter &node, Value lhs, Value rhs, StringRef predicate) {
  SmallVector<int64_t> shape = broadcastOrReport(node, shapeOf(lhs), shapeOf(rhs));
  return node.create<kiln::CmpOp>(tensorType(shape, node.builder().getI1Type()), lhs, rhs,
                                  node.builder().getStringAttr(predicate));
}

Value selectValues(NodeImporter &node, Value condition, Value onTrue, Value onFalse) {
  SmallVector<int64_t> shape = broadcastOrReport(node, shapeOf(onTrue), shapeOf(onFalse));
  shape = broadcastOrReport(node, shape, shapeOf(condition));
  return node.create<kiln::SelectOp>(tensorType(shape, elementTypeOf(onTrue)), condition, onTrue,
                                     onFalse);
}

Value positionsAlong(NodeImporter &node, int64_t rank, int64_t axis, int64_t size) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = size;
  OpBuilder &b = node.builder();
  return node.create<kiln::IotaOp>(tensorType(shape, b.getI64Type()), b.getI64IntegerAttr(axis));
}

Value constantValue(NodeImporter &node, const HostTensor &tensor, StringRef name) {
  ElementsAttr attr = tensor.toAttr(name);
  return kiln::ConstantOp::create(node.builder(), node.loc(), attr.getType(), attr);
}

Value sliceValue(NodeImporter &node, Value value, ArrayRef<int64_t> starts,
                 ArrayRef<int64_t> limits, ArrayRef<int64_t> strides) {
  SmallVector<int64_t> shape;
  for (auto [start, limit, stride] : llvm::zip(starts, limits, strides))
    shape.push_back(kiln::stridedCount(start, limit, stride));
  OpBuilder &b = node.builder();
  return node.create<kiln::SliceOp>(tensorType(shape, elementTypeOf(value)), value,
                                    b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(limits),
                                    b.getDenseI64ArrayAttr(strides));
}

std::optional<int64_t> axisAttr(NodeImporter &node, int64_t defaultAxis, int64_t rank) {
  return normalizeAxisOrReport(node, node.intAttr("axis", defaultAxis), rank);
}

std::optional<int64_t> normalizeAxisOrReport(NodeImporter &node, int64_t axis, int64_t rank) {
  std::optional<int64_t> normalized = kiln::normalizeAxis(axis, rank);
  if (!normalized)
    node.unsupported("axis " + llvm::Twine(axis) + " is out of range for rank " +
                     llvm::Twine(rank));
  return normalized;
}

SmallVector<int64_t> broadcastOrReport(NodeImporter &node, llvm::ArrayRef<int64_t> lhs,
                                       llvm::ArrayRef<int64_t> rhs) {
  if (std::optional<SmallVector<int64_t>> shape = kiln::broadcastShapes(lhs, rhs))
    return *shape;
  node.unsupported("shapes " + kiln::formatShape(lhs) + " and " + kiln::formatShape(rhs) +
                   " do not broadcast (NumPy rules)");
  return SmallVector<int64_t>(lhs);
}

Value reshapeTo(NodeImporter &node, Value value, llvm::ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return node.create<kiln::ReshapeOp>(tensorType(shape, type.getElementType()), value);
}

Value castTo(NodeImporter &node, Value value, Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  // kiln.cast takes NaN to false; ONNX (numpy's astype(bool)) takes it to true.
  if (elementType.isInteger(1) && isa<FloatType>(type.getElementType()))
    return compareValues(node, value, node.scalar(type.getElementType(), 0), "ne");
  return node.create<kiln::CastOp>(tensorType(type.getShape(), elementType), value);
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

llvm::Expected<OwningOpRef<ModuleOp>> importModel(llvm::StringRef bytes, MLIRContext &context,
                                                  const ImportOptions &options) {
  context.loadDialect<kiln::KilnDialect>();
  std::vector<std::string> problems;
  onnx::ModelProto model;
  int64_t originalOpset = 0;
  try {
    if (!prepareModel(bytes, options, model, problems, originalOpset))
      return llvm::make_error<ImportProblems>(std::move(problems));
    foldBatchNormIntoConv(*model.mutable_graph(), &context);
    GraphImporter importer(model, originalOpset, context);
    OwningOpRef<ModuleOp> module = importer.run(options);
    if (!module)
      return llvm::make_error<ImportProblems>(importer.takeProblems());
    // A Kiln verifier refusing an imported op is a limit of the importer, reported at the node.
    ScopedDiagnosticHandler collect(&context, [&](Diagnostic &diagnostic) {
      if (diagnostic.getSeverity() != DiagnosticSeverity::Error)
        return success();
      std::string where;
      if (auto name = dyn_cast<NameLoc>(diagnostic.getLocation()))
        where = "node '" + name.getName().str() + "': ";
      problems.push_back(where + diagnostic.str());
      return success();
    });
    if (failed(verify(*module)))
      return llvm::make_error<ImportProblems>(std::move(problems));
    return std::move(module);
  } catch (const std::exception &e) {
    // ONNX's and protobuf's accessors may throw on malformed content.
    problems.push_back(std::string("the importer cannot read the model: ") + e.what());
    return llvm::make_error<ImportProblems>(std::move(problems));
  }
}

} // namespace kiln::onnx_importer
