//===- HostTensor.cpp - Tensors known at import time ----------------------===//
#include "Importer.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;

namespace kiln::onnx_importer {

namespace {

enum class Kind { F32, F64, F16, BF16, I1, I8, I16, I32, I64, U8, U16, U32 };

Kind kindOf(Type type) {
  if (type.isF32())
    return Kind::F32;
  if (type.isF64())
    return Kind::F64;
  if (type.isF16())
    return Kind::F16;
  if (type.isBF16())
    return Kind::BF16;
  if (type.isUnsignedInteger())
    return type.isUnsignedInteger(8)    ? Kind::U8
           : type.isUnsignedInteger(16) ? Kind::U16
                                        : Kind::U32;
  switch (type.getIntOrFloatBitWidth()) {
  case 1:
    return Kind::I1;
  case 8:
    return Kind::I8;
  case 16:
    return Kind::I16;
  case 32:
    return Kind::I32;
  default:
    return Kind::I64;
  }
}

size_t byteWidth(Type type) {
  switch (kindOf(type)) {
  case Kind::I1:
  case Kind::I8:
  case Kind::U8:
    return 1;
  case Kind::F16:
  case Kind::BF16:
  case Kind::I16:
  case Kind::U16:
    return 2;
  case Kind::F32:
  case Kind::I32:
  case Kind::U32:
    return 4;
  default:
    return 8;
  }
}

template <typename T> T load(const char *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

template <typename T> void store(char *p, T value) { std::memcpy(p, &value, sizeof(T)); }

const llvm::fltSemantics &halfSemantics(Kind kind) {
  return kind == Kind::F16 ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat();
}

double halfToDouble(Kind kind, uint16_t bits) {
  llvm::APFloat value(halfSemantics(kind), llvm::APInt(16, bits));
  bool lost;
  value.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return value.convertToDouble();
}

uint16_t doubleToHalf(Kind kind, double x) {
  llvm::APFloat value(x);
  bool lost;
  value.convert(halfSemantics(kind), llvm::APFloat::rmNearestTiesToEven, &lost);
  return uint16_t(value.bitcastToAPInt().getZExtValue());
}

void storeInt(Kind kind, char *p, int64_t x);

void storeDouble(Kind kind, char *p, double x) {
  switch (kind) {
  case Kind::F32:
    return store<float>(p, float(x));
  case Kind::F64:
    return store<double>(p, x);
  case Kind::F16:
  case Kind::BF16:
    return store<uint16_t>(p, doubleToHalf(kind, x));
  case Kind::I1:
    return store<uint8_t>(p, x != 0);
  case Kind::I8:
    return store<int8_t>(p, int8_t(x));
  case Kind::I16:
    return store<int16_t>(p, int16_t(x));
  case Kind::I32:
    return store<int32_t>(p, int32_t(x));
  case Kind::I64:
    return store<int64_t>(p, int64_t(x));
  case Kind::U8:
  case Kind::U16:
  case Kind::U32:
    return storeInt(kind, p, int64_t(x));
  }
}

void storeInt(Kind kind, char *p, int64_t x) {
  switch (kind) {
  case Kind::I1:
    return store<uint8_t>(p, x != 0);
  case Kind::I8:
    return store<int8_t>(p, int8_t(x));
  case Kind::I16:
    return store<int16_t>(p, int16_t(x));
  case Kind::I32:
    return store<int32_t>(p, int32_t(x));
  case Kind::I64:
    return store<int64_t>(p, x);
  case Kind::U8:
    return store<uint8_t>(p, uint8_t(x));
  case Kind::U16:
    return store<uint16_t>(p, uint16_t(x));
  case Kind::U32:
    return store<uint32_t>(p, uint32_t(x));
  default:
    return storeDouble(kind, p, double(x));
  }
}

} // namespace

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t HostTensor::elementBytes() const { return byteWidth(elementType); }

int64_t flatIndex(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> coords) {
  int64_t index = 0;
  for (auto [size, coord] : llvm::zip(shape, coords))
    index = index * size + coord;
  return index;
}

HostTensor gatherElements(const HostTensor &source, llvm::ArrayRef<int64_t> shape,
                          llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> sourceIndex) {
  HostTensor result{source.elementType, llvm::SmallVector<int64_t>(shape), {}};
  size_t width = source.elementBytes();
  int64_t count = result.numElements();
  result.bytes.resize(count * width);
  llvm::SmallVector<int64_t> coords(shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(result.bytes.data() + i * width, source.bytes.data() + sourceIndex(coords) * width,
                width);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++coords[d] < shape[d])
        break;
      coords[d] = 0;
    }
  }
  return result;
}

HostTensor permute(const HostTensor &source, llvm::ArrayRef<int64_t> permutation) {
  llvm::SmallVector<int64_t> shape;
  for (int64_t p : permutation)
    shape.push_back(source.shape[p]);
  llvm::SmallVector<int64_t> sourceCoords(shape.size());
  return gatherElements(source, shape, [&](llvm::ArrayRef<int64_t> coords) {
    for (auto [i, p] : llvm::enumerate(permutation))
      sourceCoords[p] = coords[i];
    return flatIndex(source.shape, sourceCoords);
  });
}

int64_t HostTensor::intAt(int64_t i) const {
  const char *p = bytes.data() + i * byteWidth(elementType);
  switch (kindOf(elementType)) {
  case Kind::I1:
    return load<uint8_t>(p) != 0;
  case Kind::I8:
    return load<int8_t>(p);
  case Kind::I16:
    return load<int16_t>(p);
  case Kind::I32:
    return load<int32_t>(p);
  case Kind::I64:
    return load<int64_t>(p);
  case Kind::U8:
    return load<uint8_t>(p);
  case Kind::U16:
    return load<uint16_t>(p);
  case Kind::U32:
    return load<uint32_t>(p);
  default:
    return int64_t(doubleAt(i));
  }
}

double HostTensor::doubleAt(int64_t i) const {
  const char *p = bytes.data() + i * byteWidth(elementType);
  switch (Kind kind = kindOf(elementType)) {
  case Kind::F32:
    return load<float>(p);
  case Kind::F64:
    return load<double>(p);
  case Kind::F16:
  case Kind::BF16:
    return halfToDouble(kind, load<uint16_t>(p));
  default:
    return double(intAt(i));
  }
}

std::vector<int64_t> HostTensor::toInts() const {
  std::vector<int64_t> values(numElements());
  for (int64_t i = 0, e = numElements(); i != e; ++i)
    values[i] = intAt(i);
  return values;
}

HostTensor HostTensor::fromInts(Type elementType, llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<int64_t> values) {
  HostTensor tensor{elementType, llvm::SmallVector<int64_t>(shape), {}};
  size_t width = byteWidth(elementType);
  tensor.bytes.resize(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i)
    storeInt(kindOf(elementType), tensor.bytes.data() + i * width, values[i]);
  return tensor;
}

HostTensor HostTensor::fromDoubles(Type elementType, llvm::ArrayRef<int64_t> shape,
                                   llvm::ArrayRef<double> values) {
  HostTensor tensor{elementType, llvm::SmallVector<int64_t>(shape), {}};
  size_t width = byteWidth(elementType);
  tensor.bytes.resize(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i)
    storeDouble(kindOf(elementType), tensor.bytes.data() + i * width, values[i]);
  return tensor;
}

RankedTensorType HostTensor::getType() const { return RankedTensorType::get(shape, elementType); }

ElementsAttr HostTensor::toAttr(llvm::StringRef resourceName) const {
  RankedTensorType type = getType();
  if (elementType.isInteger(1)) {
    llvm::SmallVector<bool> values;
    for (int64_t i = 0, e = numElements(); i != e; ++i)
      values.push_back(intAt(i) != 0);
    return DenseElementsAttr::get(type, llvm::ArrayRef<bool>(values));
  }
  size_t width = byteWidth(elementType);
  bool splat = numElements() > 0;
  for (size_t offset = width; splat && offset < bytes.size(); offset += width)
    splat = std::memcmp(bytes.data(), bytes.data() + offset, width) == 0;
  if (splat)
    return DenseElementsAttr::getFromRawBuffer(type, llvm::ArrayRef<char>(bytes.data(), width));
  // Small tensors stay foldable and readable in the printed IR; large ones stay bytes.
  if (numElements() <= 16)
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  return DenseResourceElementsAttr::get(
      type, resourceName,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(llvm::ArrayRef<char>(bytes), alignof(int64_t)));
}

Type elementTypeOf(int32_t onnxType, MLIRContext *context) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::UINT8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case onnx::TensorProto::UINT16:
    return IntegerType::get(context, 16, IntegerType::Unsigned);
  case onnx::TensorProto::UINT32:
    return IntegerType::get(context, 32, IntegerType::Unsigned);
  default:
    return nullptr;
  }
}

std::string onnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(onnxType));
  return "data type " + std::to_string(onnxType);
}

std::optional<HostTensor> readTensor(const onnx::TensorProto &proto, MLIRContext *context,
                                     std::string &problem) {
  Type elementType = elementTypeOf(proto.data_type(), context);
  if (!elementType) {
    problem = "tensor '" + proto.name() + "' has element type " + onnxTypeName(proto.data_type()) +
              ", which Kiln does not support";
    return std::nullopt;
  }
  HostTensor tensor{elementType, {}, {}};
  uint64_t count = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0 || (d > 0 && count > (uint64_t(1) << 40) / uint64_t(d))) {
      problem = "tensor '" + proto.name() + "' has an invalid shape";
      return std::nullopt;
    }
    tensor.shape.push_back(d);
    count *= uint64_t(d);
  }
  size_t width = byteWidth(elementType);
  Kind kind = kindOf(elementType);
  auto wrongSize = [&](uint64_t have) {
    problem = "tensor '" + proto.name() + "' holds " + std::to_string(have) +
              " values for its shape of " + std::to_string(count);
    return std::nullopt;
  };
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != count * width)
      return wrongSize(raw.size() / width);
    // ONNX stores raw data little-endian, as this (x86-64) host does.
    tensor.bytes.assign(raw.begin(), raw.end());
    if (kind == Kind::I1)
      for (char &c : tensor.bytes)
        c = c != 0;
    return tensor;
  }
  tensor.bytes.resize(count * width);
  // Typed storage: each kind in its own repeated field; half floats travel as their 16 bits,
  // and the narrow integers and bool as int32.
  auto fill = [&](const auto &field, auto storeOne) -> std::optional<HostTensor> {
    if (uint64_t(field.size()) != count)
      return wrongSize(field.size());
    for (uint64_t i = 0; i < count; ++i)
      storeOne(tensor.bytes.data() + i * width, field.Get(int(i)));
    return tensor;
  };
  switch (kind) {
  case Kind::F32:
    return fill(proto.float_data(), [](char *p, float x) { store<float>(p, x); });
  case Kind::F64:
    return fill(proto.double_data(), [](char *p, double x) { store<double>(p, x); });
  case Kind::I64:
    return fill(proto.int64_data(), [](char *p, int64_t x) { store<int64_t>(p, x); });
  case Kind::U32:
    return fill(proto.uint64_data(), [](char *p, uint64_t x) { store<uint32_t>(p, uint32_t(x)); });
  case Kind::F16:
  case Kind::BF16:
    return fill(proto.int32_data(), [](char *p, int32_t x) { store<uint16_t>(p, uint16_t(x)); });
  default:
    return fill(proto.int32_data(), [&](char *p, int32_t x) { storeInt(kind, p, x); });
  }
}

} // namespace kiln::onnx_importer
