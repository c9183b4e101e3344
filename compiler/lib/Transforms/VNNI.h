//===- VNNI.h - The pieces of an i8 matmul on AVX-512 VNNI ----------------===//
//
// vpdpbusd multiplies, in each 32-bit lane, four unsigned bytes of its first source by four
// signed bytes of its second and adds the four products to the lane. A matmul of signed bytes
// maps onto it so: B's panels hold, for each column, four consecutive rows of k in one lane
// (interleaveRowGroup); A's four bytes at (row, k ... k + 3) are broadcast to every lane with
// 128 added to each (broadcastBiasedGroup: an xor of the sign bit), which makes them unsigned;
// and the accumulators start at -128 times the column sums of B over the same rows, which
// takes the bias out again. The products fit in i32 for any k below 2^31 / (255 * 128).
//
// MLIR 22's x86vector dialect has vpdpbssd (AVX-VNNI-INT8) but not vpdpbusd, so the
// instruction is reached through llvm.call_intrinsic.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_VNNI_H
#define KILN_COMPILER_TRANSFORMS_VNNI_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {

/// Rows of k per 32-bit lane, and the bias that makes a signed byte unsigned.
inline constexpr int64_t kVNNIGroup = 4;
inline constexpr int32_t kVNNIBias = 128;

/// Four vectors of `lanes` bytes (rows k ... k + 3 of as many columns) as one vector of
/// 4 * lanes bytes in which byte 4 j + q is row q of column j.
mlir::Value interleaveRowGroup(mlir::ImplicitLocOpBuilder &b, llvm::ArrayRef<mlir::Value> rows);

/// The four bytes `matrix[row][col ... col + 3]` (an i8 memref) plus 128 each, in every one of
/// `lanes` lanes, as a vector of 4 * lanes bytes.
mlir::Value broadcastBiasedGroup(mlir::ImplicitLocOpBuilder &b, mlir::Value matrix, mlir::Value row,
                                 mlir::Value col, int64_t lanes);

/// `sums` (vector<16xi32>) plus, in each lane, the four products of unsigned `a` and signed `b`
/// bytes (vector<64xi8>): vpdpbusd.
mlir::Value dotBytes(mlir::ImplicitLocOpBuilder &b, mlir::Value sums, mlir::Value a,
                     mlir::Value b8);

} // namespace kiln

#endif
