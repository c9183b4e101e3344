//===- Reductions.cpp - ONNX reductions and arg-reductions ----------------===//
//
// ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp and ReduceSumSquare are written with Kiln's
// reductions and elementwise ops.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// The normalized axes a reduction node names (attribute, or input 1 from opset 13 for
/// ReduceSum), all dimensions when none; nullopt after a report, or for a no-op reduction
/// (empty axes with noop_with_empty_axes) with `noop` set.
std::optional<SmallVector<int64_t>> reductionAxes(NodeImporter &node, bool &noop) {
  int64_t rank = node.inputType(0).getRank();
  std::vector<int64_t> axes;
  if (std::optional<std::vector<int64_t>> attr = node.intsAttr("axes"))
    axes = *attr;
  if (node.hasInput(1)) {
    std::optional<std::vector<int64_t>> given = node.requireConstantInts(1, "axes");
    if (!given)
      return std::nullopt;
    axes = *given;
  }
  noop = false;
  if (axes.empty() && node.intAttr("noop_with_empty_axes", 0)) {
    noop = true;
    return std::nullopt;
  }
  SmallVector<int64_t> normalized;
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      normalized.push_back(d);
  for (int64_t axis : axes) {
    std::optional<int64_t> a = normalizeAxisOrReport(node, axis, rank);
    if (!a)
      return std::nullopt;
    if (!llvm::is_contained(normalized, *a))
      normalized.push_back(*a);
  }
  llvm::sort(normalized);
  return normalized;
}

template <typename OpTy> Value reduce(NodeImporter &node, Value input, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape = kiln::reducedShape(shapeOf(input), axes, /*keepDims=*/true);
  OpBuilder &b = node.builder();
  return node.create<OpTy>(tensorType(shape, elementTypeOf(input)), input,
                           b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
}

template <typename Body> void importReduction(NodeImporter &node, Body body) {
  node.intAttr("keepdims", 1); // The inferred output type has the dimensions it keeps.
  bool noop = false;
  std::optional<SmallVector<int64_t>> axes = reductionAxes(node, noop);
  RankedTensorType type = node.outputType(0);
  if (!type || (!axes && !noop))
    return;
  Value input = node.input(0);
  if (noop)
    return node.setOutput(0, input);
  if (Value reduced = body(input, *axes))
    node.setOutput(0, reshapeTo(node, reduced, type.getShape()));
}

template <typename OpTy> void importSimple(NodeImporter &node) {
  importReduction(node,
                  [&](Value x, ArrayRef<int64_t> axes) { return reduce<OpTy>(node, x, axes); });
}

bool isFloat(Value value) { return isa<FloatType>(elementTypeOf(value)); }

template <typename Body> void importFloatReduction(NodeImporter &node, Body body) {
  importReduction(node, [&](Value x, ArrayRef<int64_t> axes) -> Value {
    if (!isFloat(x)) {
      node.unsupported("only floating-point inputs are supported");
      return nullptr;
    }
    return body(x, axes);
  });
}

Value square(NodeImporter &node, Value x) { return node.create<kiln::MulOp>(x.getType(), x, x); }

/// The last index of the maximum along `axis` (keeping it), NaN counting as the maximum as
/// numpy.argmax on the reversed axis has it: the last NaN when there is one.
Value lastArgmax(NodeImporter &node, Value input, int64_t axis) {
  OpBuilder &b = node.builder();
  Type i1 = b.getI1Type();
  auto keep = [&](Type element) {
    return tensorType(kiln::reducedShape(shapeOf(input), {axis}, true), element);
  };
  auto reduceMax = [&](Value value, Type element) {
    return node.create<kiln::ReduceMaxOp>(keep(element), value, b.getDenseI64ArrayAttr({axis}),
                                          b.getBoolAttr(true));
  };
  Value max = reduceMax(input, elementTypeOf(input));
  Value isMax = compareValues(node, input, max, "eq");
  if (isFloat(input)) {
    Value isNaN = compareValues(node, input, input, "ne");
    Value anyNaN = reduceMax(isNaN, i1);
    isMax = selectValues(node, anyNaN, isNaN, isMax);
  }
  Value positions = positionsAlong(node, shapeOf(input).size(), axis, shapeOf(input)[axis]);
  Value candidates = selectValues(node, isMax, positions, node.scalar(b.getI64Type(), -1));
  return reduceMax(candidates, b.getI64Type());
}

void importArgReduction(NodeImporter &node, bool isMin) {
  bool last = node.intAttr("select_last_index", 0);
  node.intAttr("keepdims", 1);
  RankedTensorType type = node.outputType(0);
  Value input = node.input(0);
  std::optional<int64_t> axis =
      normalizeAxisOrReport(node, node.intAttr("axis", 0), shapeOf(input).size());
  if (!type || !axis)
    return;
  OpBuilder &b = node.builder();
  if (!last) {
    SmallVector<int64_t> shape = kiln::reducedShape(shapeOf(input), {*axis}, true);
    auto resultType = tensorType(shape, b.getI64Type());
    DenseI64ArrayAttr axes = b.getDenseI64ArrayAttr({*axis});
    Value result = isMin
                       ? node.create<kiln::ArgminOp>(resultType, input, axes, b.getBoolAttr(true))
                       : node.create<kiln::ArgmaxOp>(resultType, input, axes, b.getBoolAttr(true));
    return node.setOutput(0, reshapeTo(node, result, type.getShape()));
  }
  if (isMin) {
    // The last minimum of x is the last maximum of -x, or of ~x = -1 - x for integers (which
    // cannot overflow); NaN stays NaN and is found first either way.
    Type element = elementTypeOf(input);
    if (element.isInteger(1))
      return node.unsupported("boolean inputs are not supported with select_last_index = 1");
    input = isFloat(input)
                ? node.create<kiln::NegOp>(input.getType(), input)
                : node.create<kiln::SubOp>(input.getType(), node.scalar(element, -1), input);
  }
  node.setOutput(0, reshapeTo(node, lastArgmax(node, input, *axis), type.getShape()));
}

} // namespace

void addReductionOps(OpTable &table) {
  table["ReduceSum"] = importSimple<kiln::ReduceSumOp>;
  table["ReduceMax"] = importSimple<kiln::ReduceMaxOp>;
  table["ReduceMin"] = importSimple<kiln::ReduceMinOp>;
  table["ReduceProd"] = importSimple<kiln::ReduceProdOp>;
  table["ReduceMean"] = [](NodeImporter &node) {
    importFloatReduction(node, [&](Value x, ArrayRef<int64_t> axes) {
      return reduce<kiln::ReduceMeanOp>(node, x, axes);
    });
  };
  table["ReduceSumSquare"] = [](NodeImporter &node) {
    importReduction(node, [&](Value x, ArrayRef<int64_t> axes) {
      return reduce<kiln::ReduceSumOp>(node, square(node, x), axes);
    });
  };
  table["ReduceL1"] = [](NodeImporter &node) {
    importReduction(node, [&](Value x, ArrayRef<int64_t> axes) {
      return reduce<kiln::ReduceSumOp>(node, node.create<kiln::AbsOp>(x.getType(), x), axes);
    });
  };
  table["ReduceL2"] = [](NodeImporter &node) {
    importFloatReduction(node, [&](Value x, ArrayRef<int64_t> axes) {
      Value sum = reduce<kiln::ReduceSumOp>(node, square(node, x), axes);
      return node.create<kiln::SqrtOp>(sum.getType(), sum);
    });
  };
  table["ReduceLogSum"] = [](NodeImporter &node) {
    importFloatReduction(node, [&](Value x, ArrayRef<int64_t> axes) {
      Value sum = reduce<kiln::ReduceSumOp>(node, x, axes);
      return node.create<kiln::LogOp>(sum.getType(), sum);
    });
  };
  table["ReduceLogSumExp"] = [](NodeImporter &node) {
    importFloatReduction(node, [&](Value x, ArrayRef<int64_t> axes) {
      // max + log(sum(exp(x - max))): no overflow for large x.
      Value max = reduce<kiln::ReduceMaxOp>(node, x, axes);
      // An infinite maximum (+inf, or a group of -inf only) is not subtracted: inf - inf is NaN,
      // and the result is that infinity either way.
      Value infinite = compareValues(node, node.create<kiln::AbsOp>(max.getType(), max),
                                     node.scalar(elementTypeOf(x), INFINITY), "eq");
      max = selectValues(node, infinite, node.scalar(elementTypeOf(x), 0), max);
      Value shifted = node.create<kiln::SubOp>(x.getType(), x, max);
      Value sum =
          reduce<kiln::ReduceSumOp>(node, node.create<kiln::ExpOp>(x.getType(), shifted), axes);
      Value log = node.create<kiln::LogOp>(sum.getType(), sum);
      return node.create<kiln::AddOp>(sum.getType(), log, max);
    });
  };
  table["ArgMax"] = [](NodeImporter &node) { importArgReduction(node, false); };
  table["ArgMin"] = [](NodeImporter &node) { importArgReduction(node, true); };
}

} // namespace kiln::onnx_importer
