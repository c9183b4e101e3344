//===- Shape.cpp - constant, data movement and the gathers ----------------===//
//
// Every shape op is a gather: each result element copies one input element (or, for pad, the
// padding value), so each evaluator only computes where its elements come from.
//
//===----------------------------------------------------------------------===//
#include "Evaluators.h"
#include "Numerics.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace kiln::interp {

FailureOr<RefTensor> evaluateConstant(ConstantOp op, Operands) {
  std::optional<RefTensor> value = RefTensor::fromAttr(op.getValue());
  if (!value)
    return op.emitError() << "the reference interpreter cannot read the elements of "
                          << op.getValue();
  return std::move(*value);
}

/// Result dim i is input dim permutation[i]: result index r reads input index with
/// in[permutation[i]] = r[i].
FailureOr<RefTensor> evaluateTranspose(TransposeOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  SmallVector<int64_t> inputStrides = rowMajorStrides(input.getShape());
  std::vector<int64_t> sources;
  forEachIndex(op.getType().getShape(), [&](ArrayRef<int64_t> index) {
    int64_t at = 0;
    for (auto [i, p] : llvm::enumerate(op.getPermutation()))
      at += index[i] * inputStrides[p];
    sources.push_back(at);
  });
  return gatherElements(input, op.getType(), sources);
}

FailureOr<RefTensor> evaluateReshape(ReshapeOp op, Operands operands) {
  // Row-major order is unchanged; only the type changes.
  const RefTensor &input = *operands[0];
  std::vector<int64_t> sources(input.getNumElements());
  for (size_t i = 0; i < sources.size(); ++i)
    sources[i] = static_cast<int64_t>(i);
  return gatherElements(input, op.getType(), sources);
}

FailureOr<RefTensor> evaluateBroadcastTo(BroadcastToOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  return gatherElements(input, op.getType(),
                        broadcastSources(input.getShape(), op.getType().getShape()));
}

FailureOr<RefTensor> evaluateConcat(ConcatOp op, Operands operands) {
  RefTensor result(op.getType());
  int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
  SmallVector<int64_t> resultStrides = rowMajorStrides(result.getShape());
  int64_t offset = 0; // where the current input starts along `axis`
  for (const RefTensor *input : operands) {
    int64_t n = 0;
    forEachIndex(input->getShape(), [&](ArrayRef<int64_t> index) {
      int64_t at = offset * resultStrides[axis];
      for (auto [i, stride] : llvm::enumerate(resultStrides))
        at += index[i] * stride;
      if (result.isFloat())
        result.floats()[at] = input->floats()[n++];
      else
        result.ints()[at] = input->ints()[n++];
    });
    offset += input->getShape()[axis];
  }
  return result;
}

/// Result index r reads input index starts + r * strides in every dimension.
FailureOr<RefTensor> evaluateSlice(SliceOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  SmallVector<int64_t> inputStrides = rowMajorStrides(input.getShape());
  SmallVector<int64_t> steps = op.getStridesOrOnes();
  ArrayRef<int64_t> starts = op.getStarts();
  std::vector<int64_t> sources;
  forEachIndex(op.getType().getShape(), [&](ArrayRef<int64_t> index) {
    int64_t at = 0;
    for (size_t d = 0; d < index.size(); ++d)
      at += (starts[d] + index[d] * steps[d]) * inputStrides[d];
    sources.push_back(at);
  });
  return gatherElements(input, op.getType(), sources);
}

/// Result index r reads input index r - low where that lies inside the input, else `value`.
FailureOr<RefTensor> evaluatePad(PadOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  ArrayRef<int64_t> low = op.getLow(), inputShape = input.getShape();
  SmallVector<int64_t> inputStrides = rowMajorStrides(inputShape);
  std::vector<int64_t> sources;
  forEachIndex(op.getType().getShape(), [&](ArrayRef<int64_t> index) {
    int64_t at = 0;
    for (size_t d = 0; d < index.size(); ++d) {
      int64_t i = index[d] - low[d];
      if (i < 0 || i >= inputShape[d]) {
        at = -1;
        break;
      }
      at += i * inputStrides[d];
    }
    sources.push_back(at);
  });
  RefTensor result = gatherElements(input, op.getType(), sources);
  // gatherElements leaves padded elements zero, the default value.
  Attribute value = op.getValueAttr();
  for (auto [i, source] : llvm::enumerate(sources)) {
    if (source >= 0 || !value)
      continue;
    if (auto f = dyn_cast<FloatAttr>(value))
      result.floats()[i] = f.getValueAsDouble();
    else
      result.ints()[i] = cast<IntegerAttr>(value).getValue().getSExtValue();
  }
  return result;
}

/// The position an index element selects along a dimension of `size`, or -1 when it is out
/// of range (docs/language.md: such an element is zero).
static int64_t positionOf(int64_t index, int64_t size) {
  if (index < -size || index >= size)
    return -1;
  return index < 0 ? index + size : index;
}

/// Result index (a, i, b) reads input index (a, indices[i], b).
FailureOr<RefTensor> evaluateGather(GatherOp op, Operands operands) {
  const RefTensor &input = *operands[0], &indices = *operands[1];
  int64_t axis = *normalizeAxis(op.getAxis(), input.getShape().size());
  AxisView view(input.getShape(), axis);
  int64_t count = indices.getNumElements();
  std::vector<int64_t> sources;
  sources.reserve(op.getType().getNumElements());
  for (int64_t outer = 0; outer < view.outer; ++outer)
    for (int64_t i = 0; i < count; ++i) {
      int64_t j = positionOf(indices.ints()[i], view.size);
      for (int64_t inner = 0; inner < view.inner; ++inner)
        sources.push_back(j < 0 ? -1 : view.at(outer, j, inner));
    }
  return gatherElements(input, op.getType(), sources);
}

/// Result index p reads input index p with p[axis] = indices[p].
FailureOr<RefTensor> evaluateGatherElements(GatherElementsOp op, Operands operands) {
  const RefTensor &input = *operands[0], &indices = *operands[1];
  int64_t axis = *normalizeAxis(op.getAxis(), input.getShape().size());
  SmallVector<int64_t> inputStrides = rowMajorStrides(input.getShape());
  int64_t size = input.getShape()[axis];
  std::vector<int64_t> sources;
  int64_t n = 0;
  forEachIndex(indices.getShape(), [&](ArrayRef<int64_t> index) {
    int64_t j = positionOf(indices.ints()[n++], size);
    int64_t at = 0;
    for (size_t d = 0; d < index.size(); ++d)
      at += (static_cast<int64_t>(d) == axis ? j : index[d]) * inputStrides[d];
    sources.push_back(j < 0 ? -1 : at);
  });
  return gatherElements(input, op.getType(), sources);
}

/// Each element's position along the axis.
FailureOr<RefTensor> evaluateIota(IotaOp op, Operands) {
  RefTensor result(op.getType());
  int64_t axis = *normalizeAxis(op.getAxis(), result.getShape().size());
  int64_t n = 0;
  forEachIndex(result.getShape(), [&](ArrayRef<int64_t> index) {
    if (result.isFloat())
      result.floats()[n++] = static_cast<double>(index[axis]);
    else
      result.ints()[n++] = index[axis];
  });
  return result;
}

} // namespace kiln::interp
