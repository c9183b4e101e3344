//===- Numerics.cpp - Scalar arithmetic and index helpers of the interpreter -===//
#include "Numerics.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;

namespace kiln::interp {

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

double ieeeMaximum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return NAN;
  if (a == b) // equal zeros of either sign: +0 is the larger
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

double ieeeMinimum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return NAN;
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

unsigned intWidth(Type type) { return cast<IntegerType>(type).getWidth(); }

int64_t intTypeMin(Type type) {
  unsigned width = intWidth(type);
  return width == 1 || type.isUnsignedInteger() ? 0 : llvm::minIntN(width);
}

int64_t intTypeMax(Type type) {
  unsigned width = intWidth(type);
  if (type.isUnsignedInteger())
    return static_cast<int64_t>(llvm::maxUIntN(width)); // ui32 at most: exact in int64
  return width == 1 ? 1 : llvm::maxIntN(width);
}

int64_t wrapToWidth(uint64_t bits, unsigned width) {
  if (width == 1)
    return static_cast<int64_t>(bits & 1);
  return llvm::SignExtend64(bits, width);
}

double intToFloat(int64_t value, bool isUnsigned, Type type) {
  // The host conversions round once, correctly; only the narrow types need APFloat.
  if (type.isF64())
    return isUnsigned ? static_cast<double>(static_cast<uint64_t>(value))
                      : static_cast<double>(value);
  if (type.isF32())
    return isUnsigned ? static_cast<float>(static_cast<uint64_t>(value))
                      : static_cast<float>(value);
  llvm::APFloat result(cast<FloatType>(type).getFloatSemantics());
  llvm::APInt bits(64, static_cast<uint64_t>(value), /*isSigned=*/!isUnsigned);
  result.convertFromAPInt(bits, /*IsSigned=*/!isUnsigned, llvm::APFloat::rmNearestTiesToEven);
  return result.convertToDouble();
}

int64_t saturatingFloatToInt(double value, Type type) {
  if (std::isnan(value))
    return 0;
  if (intWidth(type) == 1)
    return value != 0;
  double truncated = std::trunc(value);
  int64_t lo = intTypeMin(type), hi = intTypeMax(type);
  // Both bounds are exact in double except INT64_MAX, which rounds up to 2^63: any double at
  // or above it saturates, and every double below it converts exactly.
  if (truncated <= static_cast<double>(lo))
    return lo;
  if (truncated >= static_cast<double>(hi))
    return hi;
  return static_cast<int64_t>(truncated);
}

//===----------------------------------------------------------------------===//
// Row-major indexing
//===----------------------------------------------------------------------===//

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

void forEachIndex(ArrayRef<int64_t> shape, llvm::function_ref<void(ArrayRef<int64_t>)> fn) {
  int64_t count = numElements(shape);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    fn(index);
    // Odometer increment: the last dimension moves fastest.
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

/// The linear index that per-dimension `strides` give `index`.
static int64_t dot(ArrayRef<int64_t> index, ArrayRef<int64_t> strides) {
  int64_t linear = 0;
  for (auto [i, s] : llvm::zip_equal(index, strides))
    linear += i * s;
  return linear;
}

std::vector<int64_t> broadcastSources(ArrayRef<int64_t> operandShape,
                                      ArrayRef<int64_t> resultShape) {
  // Trailing dimensions align; a size-1 (or missing) operand dimension reads index 0 of it,
  // which stride 0 expresses.
  SmallVector<int64_t> operandStrides = rowMajorStrides(operandShape);
  SmallVector<int64_t> strides(resultShape.size(), 0);
  size_t offset = resultShape.size() - operandShape.size();
  for (size_t d = 0; d < operandShape.size(); ++d)
    strides[offset + d] = operandShape[d] == 1 ? 0 : operandStrides[d];
  std::vector<int64_t> sources;
  sources.reserve(numElements(resultShape));
  forEachIndex(resultShape,
               [&](ArrayRef<int64_t> index) { sources.push_back(dot(index, strides)); });
  return sources;
}

std::vector<int64_t> reductionTargets(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes) {
  // A reduced dimension contributes nothing to the result index; the kept ones keep their
  // order, so their strides are those of the shape with the reduced dims set to 1.
  SmallVector<int64_t> keptShape(shape);
  for (int64_t axis : axes)
    keptShape[axis] = 1;
  SmallVector<int64_t> strides = rowMajorStrides(keptShape);
  for (int64_t axis : axes)
    strides[axis] = 0;
  std::vector<int64_t> targets;
  targets.reserve(numElements(shape));
  forEachIndex(shape, [&](ArrayRef<int64_t> index) { targets.push_back(dot(index, strides)); });
  return targets;
}

SmallVector<int64_t> normalizeAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes)
    result.push_back(axis < 0 ? axis + rank : axis);
  return result;
}

RefTensor gatherElements(const RefTensor &source, RankedTensorType type,
                         ArrayRef<int64_t> sources) {
  RefTensor result(type);
  auto gather = [&](auto from, auto to) {
    for (auto [i, s] : llvm::enumerate(sources))
      if (s >= 0)
        to[i] = from[s];
  };
  if (source.isFloat())
    gather(source.floats(), result.floats());
  else
    gather(source.ints(), result.ints());
  return result;
}

AxisView::AxisView(ArrayRef<int64_t> shape, int64_t axis) {
  outer = numElements(shape.take_front(axis));
  size = shape[axis];
  inner = numElements(shape.drop_front(axis + 1));
}

} // namespace kiln::interp
