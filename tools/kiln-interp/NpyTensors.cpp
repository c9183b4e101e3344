//===- NpyTensors.cpp - .npy arrays to and from interpreter tensors -------===//
#include "NpyTensors.h"

#include "kiln/Codegen/Signature.h"

#include "kiln/runtime.h"

#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;

namespace kiln::interp_tool {
namespace {

std::string formatType(uint32_t dtype, llvm::ArrayRef<int64_t> shape) {
  uint32_t rank = static_cast<uint32_t>(shape.size());
  std::string text(kiln_format_type(nullptr, 0, dtype, rank, shape.data()) + 1, '\0');
  text.resize(kiln_format_type(text.data(), text.size(), dtype, rank, shape.data()));
  return text;
}

template <typename T> T load(const void *data, uint64_t i) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + i * sizeof(T), sizeof(T));
  return value;
}

template <typename T> void storeAt(void *data, uint64_t i, T value) {
  std::memcpy(static_cast<char *>(data) + i * sizeof(T), &value, sizeof(T));
}

double halfToDouble(uint16_t bits) {
  return llvm::APFloat(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits)).convertToDouble();
}

/// The float16 bits of a value the interpreter already rounded to f16 (so this is exact).
uint16_t doubleToHalf(double value) {
  llvm::APFloat half(value);
  bool losesInfo = false;
  half.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return static_cast<uint16_t>(half.bitcastToAPInt().getZExtValue());
}

} // namespace

std::optional<uint32_t> npyDtypeOf(Type elementType) {
  uint32_t dtype = dtypeOf(elementType);
  if (dtype == 0 || dtype == KILN_DTYPE_BF16) // numpy has no bfloat16
    return std::nullopt;
  return dtype;
}

std::string formatType(RankedTensorType type) {
  uint32_t dtype = dtypeOf(type.getElementType());
  if (dtype == 0) {
    std::string text;
    llvm::raw_string_ostream(text) << type;
    return text;
  }
  return formatType(dtype, type.getShape());
}

std::string formatType(const npy::Array &array) { return formatType(array.dtype(), array.shape()); }

RefTensor toTensor(const npy::Array &array, RankedTensorType type) {
  const void *data = array.data();
  uint64_t n = array.numElements();
  if (isa<FloatType>(type.getElementType())) {
    std::vector<double> values(n);
    for (uint64_t i = 0; i < n; ++i) {
      switch (array.dtype()) {
      case KILN_DTYPE_F32:
        values[i] = load<float>(data, i);
        break;
      case KILN_DTYPE_F64:
        values[i] = load<double>(data, i);
        break;
      default: // KILN_DTYPE_F16; the caller checked the dtype against the type
        values[i] = halfToDouble(load<uint16_t>(data, i));
      }
    }
    return RefTensor(type, std::move(values));
  }
  std::vector<int64_t> values(n);
  for (uint64_t i = 0; i < n; ++i) {
    switch (array.dtype()) {
    case KILN_DTYPE_BOOL:
      values[i] = load<uint8_t>(data, i) != 0;
      break;
    case KILN_DTYPE_I8:
      values[i] = load<int8_t>(data, i);
      break;
    case KILN_DTYPE_I16:
      values[i] = load<int16_t>(data, i);
      break;
    case KILN_DTYPE_I32:
      values[i] = load<int32_t>(data, i);
      break;
    case KILN_DTYPE_U8:
      values[i] = load<uint8_t>(data, i);
      break;
    case KILN_DTYPE_U16:
      values[i] = load<uint16_t>(data, i);
      break;
    case KILN_DTYPE_U32:
      values[i] = load<uint32_t>(data, i);
      break;
    default: // KILN_DTYPE_I64
      values[i] = load<int64_t>(data, i);
    }
  }
  return RefTensor(type, std::move(values));
}

bool toArray(const RefTensor &tensor, npy::Array &array, std::string &error) {
  std::optional<uint32_t> dtype = npyDtypeOf(tensor.getElementType());
  if (!dtype) {
    error = "element type " + formatType(tensor.getType()) + " cannot be stored in .npy";
    return false;
  }
  if (!array.allocate(*dtype, std::vector<int64_t>(tensor.getShape()), error))
    return false;
  void *data = array.data();
  for (uint64_t i = 0; i < array.numElements(); ++i) {
    switch (*dtype) {
    case KILN_DTYPE_F32:
      storeAt(data, i, static_cast<float>(tensor.floats()[i]));
      break;
    case KILN_DTYPE_F64:
      storeAt(data, i, tensor.floats()[i]);
      break;
    case KILN_DTYPE_F16:
      storeAt(data, i, doubleToHalf(tensor.floats()[i]));
      break;
    case KILN_DTYPE_BOOL:
      storeAt(data, i, static_cast<uint8_t>(tensor.ints()[i] != 0));
      break;
    case KILN_DTYPE_I8:
      storeAt(data, i, static_cast<int8_t>(tensor.ints()[i]));
      break;
    case KILN_DTYPE_I16:
      storeAt(data, i, static_cast<int16_t>(tensor.ints()[i]));
      break;
    case KILN_DTYPE_I32:
      storeAt(data, i, static_cast<int32_t>(tensor.ints()[i]));
      break;
    case KILN_DTYPE_U8:
      storeAt(data, i, static_cast<uint8_t>(tensor.ints()[i]));
      break;
    case KILN_DTYPE_U16:
      storeAt(data, i, static_cast<uint16_t>(tensor.ints()[i]));
      break;
    case KILN_DTYPE_U32:
      storeAt(data, i, static_cast<uint32_t>(tensor.ints()[i]));
      break;
    default: // KILN_DTYPE_I64
      storeAt(data, i, tensor.ints()[i]);
    }
  }
  return true;
}

} // namespace kiln::interp_tool
