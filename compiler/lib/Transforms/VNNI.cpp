//===- VNNI.cpp - The pieces of an i8 matmul on AVX-512 VNNI --------------===//
#include "VNNI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace kiln {

Value interleaveRowGroup(ImplicitLocOpBuilder &b, ArrayRef<Value> rows) {
  int64_t lanes = cast<VectorType>(rows[0].getType()).getNumElements();
  SmallVector<int64_t> both(2 * lanes);
  for (int64_t i = 0; i < 2 * lanes; ++i)
    both[i] = i;
  // Rows 0-1 and 2-3 side by side; then element q * lanes + j of those four rows goes to 4 j + q.
  Value low = vector::ShuffleOp::create(b, rows[0], rows[1], both);
  Value high = vector::ShuffleOp::create(b, rows[2], rows[3], both);
  SmallVector<int64_t> interleaved(kVNNIGroup * lanes);
  for (int64_t j = 0; j < lanes; ++j)
    for (int64_t q = 0; q < kVNNIGroup; ++q)
      interleaved[kVNNIGroup * j + q] = q * lanes + j;
  return vector::ShuffleOp::create(b, low, high, interleaved);
}

Value broadcastBiasedGroup(ImplicitLocOpBuilder &b, Value matrix, Value row, Value col,
                           int64_t lanes) {
  auto bytes = VectorType::get({kVNNIGroup}, b.getI8Type());
  Value group = vector::LoadOp::create(b, bytes, matrix, ValueRange{row, col});
  Value word = vector::BitCastOp::create(b, VectorType::get({1}, b.getI32Type()), group);
  auto words = VectorType::get({lanes}, b.getI32Type());
  Value splat = vector::BroadcastOp::create(b, words, word);
  // 0x80 in each byte: flipping a byte's sign bit adds 128 to it modulo 256.
  Value signBits = arith::ConstantOp::create(
      b, DenseElementsAttr::get(words, b.getI32IntegerAttr(static_cast<int32_t>(0x80808080u))));
  Value biased = arith::XOrIOp::create(b, splat, signBits);
  return vector::BitCastOp::create(b, VectorType::get({kVNNIGroup * lanes}, b.getI8Type()), biased);
}

Value dotBytes(ImplicitLocOpBuilder &b, Value sums, Value a, Value b8) {
  return LLVM::CallIntrinsicOp::create(b, sums.getType(),
                                       b.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
                                       ValueRange{sums, a, b8})
      .getResult(0);
}

} // namespace kiln
