//===- WindowColumns.h - im2col columns read from the convolution's input -===//
//
// kiln-to-linalg lowers an f32 convolution to im2col: a generic copies every window of the
// (padded) NHWC input into a [N*OH*OW, KH*KW*C] buffer, which the matmul reads as A. Element
// (row, k) of that buffer is input element base(row) + offset(k) of the flattened input, with
// base depending only on the output pixel and offset only on the tap and channel, and k runs
// contiguously through the input over a tap's channels (over a filter row's taps and channels
// at unit dilation). A kernel that reads A element by element can therefore read the input
// itself and skip the copy, which writes and reads KH*KW times the input per call.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_WINDOWCOLUMNS_H
#define KILN_COMPILER_TRANSFORMS_WINDOWCOLUMNS_H

#include "ZeroFill.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {

/// A matmul's A that is the im2col copy of `source` (N x H x W x C, static, identity layout).
struct WindowColumns {
  mlir::Value source;
  int64_t height, width, channels;   // of source
  int64_t outHeight, outWidth;       // of the convolution's output
  int64_t kernelHeight, kernelWidth; // of its filter
  int64_t strideH, strideW, dilationH, dilationW;
  mlir::SmallVector<mlir::Operation *> copy; // the im2col copy, its buffer and views
  /// When `source` is only a zero-padded copy of its input (a graph's argument: a layer's
  /// output is written into its padded buffer directly), the input, which A is read from
  /// instead (`padding`: the ops that made the copy). Taps in the padding read zeros.
  std::optional<InputWindow> unpadded;
  mlir::SmallVector<mlir::Operation *> padding;

  /// Columns of A that are contiguous in the buffer read and never straddle a filter row: a
  /// filter row's taps and channels at unit dilation and without `unpadded`, else a tap's
  /// channels (a tap, whole, is in the padding or in the input).
  int64_t contiguousColumns() const;

  /// The flat offset in `source` of A's row `row` at column 0.
  mlir::Value rowBase(mlir::ImplicitLocOpBuilder &b, mlir::Value row) const;

  /// The flat offset of column `k` from its row's base.
  mlir::Value columnOffset(mlir::ImplicitLocOpBuilder &b, mlir::Value k) const;

  /// `source` (or with `unpadded`, its input) seen as one dimension, which rowBase +
  /// columnOffset (or tapStart) index.
  mlir::Value flatSource(mlir::ImplicitLocOpBuilder &b) const;

  /// With `unpadded`: the first tap of A's row `row` in the input, as the flat offset of its
  /// image and its row and column there (outside the input in the padding).
  struct Origin {
    mlir::Value image, row, column;
  };
  Origin origin(mlir::ImplicitLocOpBuilder &b, mlir::Value row) const;

  /// With `unpadded`: the flat offset in the input of column `k` of the row at `origin`, and
  /// in `inside` whether its tap is in the input (else the offset is meaningless and the
  /// tap's elements are zero).
  mlir::Value tapStart(mlir::ImplicitLocOpBuilder &b, const Origin &origin, mlir::Value k,
                       mlir::Value &inside) const;

  /// Erases the copy (and the padded copy of the input) once nothing reads A.
  void eraseCopy();
};

/// The im2col copy behind `a`, the A operand of `matmul`, when `a` is only a collapsed view of
/// a buffer written by nothing but that copy, and nothing between the copy and the matmul
/// writes the copy's source.
std::optional<WindowColumns> matchWindowColumns(mlir::Value a, mlir::Operation *matmul);

} // namespace kiln

#endif
