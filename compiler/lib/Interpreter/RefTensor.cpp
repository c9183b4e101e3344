//===- RefTensor.cpp - Tensor values of the interpreter and their rounding --===//
#include "Numerics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace mlir;

namespace kiln {

double roundToFloatType(double value, Type type) {
  if (type.isF64())
    return value;
  // double -> float rounds to nearest even on IEEE hosts (overflow gives inf).
  if (type.isF32())
    return static_cast<float>(value);
  // f16 and bf16 round straight from double: one rounding, never double rounding via f32.
  llvm::APFloat rounded(value);
  bool losesInfo = false;
  rounded.convert(cast<FloatType>(type).getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
                  &losesInfo);
  return rounded.convertToDouble();
}

int64_t wrapToIntType(int64_t value, Type type) {
  unsigned width = interp::intWidth(type);
  // ui8/ui16/ui32 hold their value, which int64 holds exactly.
  if (type.isUnsignedInteger())
    return static_cast<int64_t>(static_cast<uint64_t>(value) &
                                llvm::maskTrailingOnes<uint64_t>(width));
  return interp::wrapToWidth(static_cast<uint64_t>(value), width);
}

RefTensor::RefTensor(RankedTensorType type) : type(type) {
  if (isFloat())
    floatValues.assign(type.getNumElements(), 0.0);
  else
    intValues.assign(type.getNumElements(), 0);
}

RefTensor::RefTensor(RankedTensorType type, std::vector<double> values)
    : type(type), floatValues(std::move(values)) {
  assert(isFloat() && static_cast<int64_t>(floatValues.size()) == type.getNumElements() &&
         "float values of the wrong count or for an integer type");
  roundToElementType();
}

RefTensor::RefTensor(RankedTensorType type, std::vector<int64_t> values)
    : type(type), intValues(std::move(values)) {
  assert(!isFloat() && static_cast<int64_t>(intValues.size()) == type.getNumElements() &&
         "integer values of the wrong count or for a float type");
  roundToElementType();
}

/// The elements of a dense_resource blob: little-endian values of the element type, one byte
/// per i1. Nullopt when the blob is missing or of the wrong size.
static std::optional<RefTensor> fromResource(DenseResourceElementsAttr attr,
                                             RankedTensorType type) {
  const AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  Type element = type.getElementType();
  unsigned bits = element.getIntOrFloatBitWidth();
  size_t size = std::max(1u, bits / 8);
  int64_t count = type.getNumElements();
  if (data.size() != static_cast<size_t>(count) * size)
    return std::nullopt;
  auto bitsAt = [&](int64_t i) {
    uint64_t raw = 0;
    std::memcpy(&raw, data.data() + i * size, size); // a little-endian host, as .npy assumes
    return llvm::APInt(static_cast<unsigned>(size * 8), raw);
  };
  if (auto floatType = dyn_cast<FloatType>(element)) {
    std::vector<double> floats;
    for (int64_t i = 0; i < count; ++i)
      floats.push_back(llvm::APFloat(floatType.getFloatSemantics(), bitsAt(i)).convertToDouble());
    return RefTensor(type, std::move(floats));
  }
  std::vector<int64_t> ints;
  for (int64_t i = 0; i < count; ++i)
    ints.push_back(bits == 1 ? !bitsAt(i).isZero() : bitsAt(i).getSExtValue());
  return RefTensor(type, std::move(ints));
}

std::optional<RefTensor> RefTensor::fromAttr(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getShapedType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return fromResource(resource, type);
  if (isa<FloatType>(type.getElementType())) {
    auto values = attr.tryGetValues<llvm::APFloat>();
    if (!values)
      return std::nullopt;
    std::vector<double> floats;
    floats.reserve(type.getNumElements());
    for (const llvm::APFloat &value : *values)
      floats.push_back(value.convertToDouble());
    return RefTensor(type, std::move(floats));
  }
  auto values = attr.tryGetValues<llvm::APInt>();
  if (!values)
    return std::nullopt;
  std::vector<int64_t> ints;
  ints.reserve(type.getNumElements());
  // i1 is stored as 0/1; wider types sign-extend, which is what their bits mean in Kiln.
  for (const llvm::APInt &value : *values)
    ints.push_back(value.getBitWidth() == 1 ? value.getZExtValue() : value.getSExtValue());
  return RefTensor(type, std::move(ints));
}

void RefTensor::roundToElementType() {
  Type element = getElementType();
  if (element.isF64())
    return;
  for (double &value : floatValues)
    value = roundToFloatType(value, element);
  if (element.isInteger(64))
    return;
  for (int64_t &value : intValues)
    value = wrapToIntType(value, element);
}

} // namespace kiln
