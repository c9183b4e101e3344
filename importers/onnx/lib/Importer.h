//===- Importer.h - The importer's internal interfaces --------------------===//
//
// GraphImporter walks the ONNX graph; each op type has an importer function (ops/*.cpp, one
// file per family) that reads its node through NodeImporter and builds Kiln ops.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IMPORTERS_ONNX_IMPORTER_H
#define KILN_IMPORTERS_ONNX_IMPORTER_H

#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kiln::onnx_importer {

/// A tensor whose value is known while importing: an initializer, a Constant node, or shape
/// arithmetic folded at import. Elements are row-major in the host's representation; i1 takes
/// one byte per element.
struct HostTensor {
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> bytes;

  int64_t numElements() const;
  size_t elementBytes() const;
  bool isInteger() const { return elementType.isInteger(); }
  /// Element `i` as an integer (integer and i1 tensors) or a double (any tensor).
  int64_t intAt(int64_t i) const;
  double doubleAt(int64_t i) const;
  std::vector<int64_t> toInts() const;
  /// A tensor of `type`'s element type and `shape` from integer or double values, each
  /// converted as C++ converts to the element type.
  static HostTensor fromInts(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> values);
  static HostTensor fromDoubles(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<double> values);
  mlir::RankedTensorType getType() const;
  /// The value as an attribute: a dense resource blob named after `resourceName` for large
  /// numeric tensors (kept as bytes, never as text), dense elements otherwise.
  mlir::ElementsAttr toAttr(llvm::StringRef resourceName) const;
};

/// Known tensors rearranged at import: the element of `source` at `sourceIndex(coords)` for each
/// coordinate tuple of `shape`, row-major.
HostTensor gatherElements(const HostTensor &source, llvm::ArrayRef<int64_t> shape,
                          llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> sourceIndex);
/// `source` with its dimensions permuted: result dim i is source dim permutation[i].
HostTensor permute(const HostTensor &source, llvm::ArrayRef<int64_t> permutation);
/// Flat row-major index of `coords` in `shape`.
int64_t flatIndex(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> coords);

/// The Kiln element type of an ONNX TensorProto data type, or null.
mlir::Type elementTypeOf(int32_t onnxType, mlir::MLIRContext *context);
/// "FLOAT", "UINT8", ...
std::string onnxTypeName(int32_t onnxType);

/// Reads an ONNX tensor; nullopt with `problem` set when its type or storage is unsupported.
std::optional<HostTensor> readTensor(const onnx::TensorProto &tensor, mlir::MLIRContext *context,
                                     std::string &problem);

/// A value of the ONNX graph during import: an SSA value, a known tensor, or both.
struct ImportedValue {
  mlir::Value value;
  std::optional<HostTensor> constant;
};

class GraphImporter;

/// What an op importer sees of its node. Reading an attribute marks it as handled: after the
/// importer returns, any attribute it did not read is reported as unsupported, so an attribute
/// the importer does not know can never be silently ignored.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, mlir::Location loc);

  const onnx::NodeProto &node() const { return onnxNode; }
  mlir::OpBuilder &builder();
  mlir::Location loc() const { return location; }
  mlir::MLIRContext *context();
  /// The model's opset before ONNX's version converter raised it.
  int64_t originalOpset() const;

  /// Inputs. An absent optional input has an empty name.
  unsigned numInputs() const { return onnxNode.input_size(); }
  bool hasInput(unsigned i) const { return i < numInputs() && !onnxNode.input(i).empty(); }
  /// The input as an SSA value (a known tensor is materialized as a kiln.constant).
  mlir::Value input(unsigned i);
  /// The input's value when known at import, else null.
  const HostTensor *constantInput(unsigned i);
  mlir::RankedTensorType inputType(unsigned i);
  /// A known integer input as values, or a problem naming it.
  std::optional<std::vector<int64_t>> requireConstantInts(unsigned i, llvm::StringRef what);
  /// The values of input `i` (any numeric type) as doubles, or nullopt after reporting that it
  /// must be known at build time.
  std::optional<std::vector<double>> requireConstantDoubles(unsigned i, llvm::StringRef what);

  unsigned numOutputs() const { return onnxNode.output_size(); }
  bool isOutputUsed(unsigned i) const;
  /// The output's type from ONNX shape inference (null after reporting a problem when it is
  /// not a static tensor of a Kiln element type).
  mlir::RankedTensorType outputType(unsigned i);
  /// The type of output `i` when ONNX shape inference made it static, else null (no report):
  /// for importers that can compute the shape themselves.
  mlir::RankedTensorType staticOutputType(unsigned i);
  void setOutput(unsigned i, mlir::Value value);
  void setOutput(unsigned i, HostTensor value);

  bool hasAttr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue);
  float floatAttr(llvm::StringRef name, float defaultValue);
  std::string stringAttr(llvm::StringRef name, llvm::StringRef defaultValue);
  std::optional<std::vector<int64_t>> intsAttr(llvm::StringRef name);
  std::optional<std::vector<float>> floatsAttr(llvm::StringRef name);
  const onnx::TensorProto *tensorAttr(llvm::StringRef name);
  /// Marks an attribute as read without reading it (one whose every value is supported).
  void ignoreAttr(llvm::StringRef name);

  /// Records why this node cannot be imported; the node's outputs are then left undefined.
  void unsupported(const llvm::Twine &why);
  /// Reports that input `i` (`what`) must be known at build time.
  void reportNotConstant(unsigned i, llvm::StringRef what);
  bool hasFailed() const { return failedFlag; }

  /// Creates a Kiln op with one result of `type`.
  template <typename OpTy, typename... Args> mlir::Value create(mlir::Type type, Args &&...args) {
    return OpTy::create(builder(), location, type, std::forward<Args>(args)...).getResult();
  }
  /// A scalar-shaped (rank-0) constant of `elementType`.
  mlir::Value scalar(mlir::Type elementType, double value);

  /// A scalar f32 zero, standing in for a missing input of a node that is refused.
  mlir::Value standIn();

  /// The names of the attributes not read by the op's importer.
  std::vector<std::string> unreadAttributes() const;

private:
  const onnx::AttributeProto *findAttr(llvm::StringRef name);

  GraphImporter &graph;
  const onnx::NodeProto &onnxNode;
  mlir::Location location;
  std::set<std::string> readAttributes;
  bool failedFlag = false;
};

using OpImporter = void (*)(NodeImporter &);
using OpTable = llvm::StringMap<OpImporter>;

/// Folds each inference BatchNormalization whose input is a convolution's output, read by
/// nothing else, into that convolution's weights and bias, when all are initializers.
void foldBatchNormIntoConv(onnx::GraphProto &graph, mlir::MLIRContext *context);

/// The op importers of each family (ops/*.cpp), keyed by ONNX op type.
void addElementwiseOps(OpTable &table);
void addShapeOps(OpTable &table);
void addNeuralNetOps(OpTable &table);
void addReductionOps(OpTable &table);
void addIndexingOps(OpTable &table);
void addResizeOps(OpTable &table);
void addEinsumOps(OpTable &table);
void addQuantizationOps(OpTable &table);

/// Helpers shared by the op families.
mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
mlir::Type elementTypeOf(mlir::Value value);
llvm::ArrayRef<int64_t> shapeOf(mlir::Value value);
/// `value` with its dimensions permuted: result dim i is dim permutation[i].
mlir::Value transposeValue(NodeImporter &node, mlir::Value value,
                           llvm::ArrayRef<int64_t> permutation);
/// Normalizes `axis` against `rank`, or reports it and returns nullopt.
std::optional<int64_t> normalizeAxisOrReport(NodeImporter &node, int64_t axis, int64_t rank);
/// The NumPy broadcast of two shapes; reports the node and returns `lhs` when they do not
/// broadcast (the node's outputs are then dropped).
llvm::SmallVector<int64_t> broadcastOrReport(NodeImporter &node, llvm::ArrayRef<int64_t> lhs,
                                             llvm::ArrayRef<int64_t> rhs);
/// A known tensor as a kiln.constant at the node (see HostTensor::toAttr for `name`).
mlir::Value constantValue(NodeImporter &node, const HostTensor &tensor, llvm::StringRef name);
/// kiln.slice of value[starts : limits : strides], its result shape derived.
mlir::Value sliceValue(NodeImporter &node, mlir::Value value, llvm::ArrayRef<int64_t> starts,
                       llvm::ArrayRef<int64_t> limits, llvm::ArrayRef<int64_t> strides);
/// kiln.cmp with broadcasting (i1 result).
mlir::Value compareValues(NodeImporter &node, mlir::Value lhs, mlir::Value rhs,
                          llvm::StringRef predicate);
/// kiln.select with three-way broadcasting.
mlir::Value selectValues(NodeImporter &node, mlir::Value condition, mlir::Value onTrue,
                         mlir::Value onFalse);
/// ONNX's Conv of `x` (NC + spatial) with OIHW (or OIL) weights `w` (`knownW` when known at
/// import) as kiln.conv2d into the element type of `type`, the result left NHWC without bias;
/// null after reporting a problem. fromNHWC gives it the layout of `type`.
mlir::Value convolution(NodeImporter &node, mlir::Value x, mlir::Value w, const HostTensor *knownW,
                        mlir::RankedTensorType type);
mlir::Value fromNHWC(NodeImporter &node, mlir::Value value, mlir::RankedTensorType type);
/// 0, 1, ..., size - 1 as i64 along dimension `axis` of a tensor of rank `rank` (size 1
/// elsewhere): a kiln.iota.
mlir::Value positionsAlong(NodeImporter &node, int64_t rank, int64_t axis, int64_t size);
/// The axis of a node's `axis` attribute (default `defaultAxis`) normalized against `rank`, or
/// nullopt after reporting.
std::optional<int64_t> axisAttr(NodeImporter &node, int64_t defaultAxis, int64_t rank);
/// A broadcasting binary Kiln op on two values of the same element type.
template <typename OpTy>
mlir::Value broadcastBinary(NodeImporter &node, mlir::Value lhs, mlir::Value rhs) {
  llvm::SmallVector<int64_t> shape = broadcastOrReport(node, shapeOf(lhs), shapeOf(rhs));
  return node.create<OpTy>(tensorType(shape, elementTypeOf(lhs)), lhs, rhs);
}
/// numpy.take(data, indices, axis) as kiln.gather; `axis` is normalized.
mlir::Value gatherValue(NodeImporter &node, mlir::Value data, mlir::Value indices, int64_t axis);
/// kiln.gather of `data` along `axis` at positions known at build time (a constant i64 vector).
mlir::Value gatherPositions(NodeImporter &node, mlir::Value data, llvm::ArrayRef<int64_t> positions,
                            int64_t axis);
/// Reshapes `value` to `shape` (no-op when it already has it).
mlir::Value reshapeTo(NodeImporter &node, mlir::Value value, llvm::ArrayRef<int64_t> shape);
/// Casts `value` to `elementType` (no-op when it already has it).
mlir::Value castTo(NodeImporter &node, mlir::Value value, mlir::Type elementType);

} // namespace kiln::onnx_importer

#endif
