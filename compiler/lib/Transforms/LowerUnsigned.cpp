//===- LowerUnsigned.cpp - Unsigned tensors as signless ones --------------===//
//
// MLIR's arith, linalg and LLVM lowerings take signless integers only, so the Kiln-to-linalg
// lowerings would each need an unsigned twin of every integer rule. Instead, this pass rewrites
// ui8/ui16/ui32 tensors as i8/i16/i32 tensors holding the same bits, before any lowering, and
// keeps the unsigned meaning with signed Kiln ops:
// - ops whose result bits do not depend on signedness (add, sub, mul, neg, sums, products,
//   shape and indexing ops, select, ...) keep their form;
// - order (max, min, comparisons, argmax, top_k, max pooling) goes through a bias: adding
//   2^(N-1) modulo 2^N maps the unsigned order of N-bit numbers onto the signed one, and
//   adding it again undoes it (LLVM folds the pair of xors into unsigned compares);
// - division, the right shift and conversions to and from other types zero-extend into the
//   twice-as-wide signed type, which holds every unsigned value, compute there and truncate
//   back.
// An op not listed here that meets an unsigned tensor is refused with an error, never given a
// signed meaning by accident.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {
#define GEN_PASS_DEF_KILNLOWERUNSIGNED
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

bool isUnsignedTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isUnsignedInteger();
}

class SignlessTypeConverter : public TypeConverter {
public:
  SignlessTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](RankedTensorType type) -> Type {
      auto element = dyn_cast<IntegerType>(type.getElementType());
      if (!element || !element.isUnsigned())
        return type;
      return type.clone(IntegerType::get(type.getContext(), element.getWidth()));
    });
  }
};

RankedTensorType withElementType(Value value, Type element) {
  return cast<RankedTensorType>(value.getType()).clone(element);
}

/// A rank-0 constant that broadcasts `value` against tensors of integer type `element`.
Value scalarConstant(OpBuilder &b, Location loc, Type element, const APInt &value) {
  auto type = RankedTensorType::get({}, element);
  return ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, llvm::ArrayRef(value)));
}

/// `value` + 2^(N-1) modulo 2^N for an N-bit signless tensor: the unsigned order of the
/// original bits becomes the signed order of the result, and a second bias restores them.
Value flipSignBit(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  Value bias = scalarConstant(b, loc, type.getElementType(), APInt::getSignedMinValue(bits));
  return AddOp::create(b, loc, type, value, bias);
}

/// The twice-as-wide signed type, which holds every value of an unsigned type of `bits` bits
/// (ui32's is i64, the widest Kiln has).
IntegerType widerSignedType(MLIRContext *ctx, unsigned bits) {
  return IntegerType::get(ctx, 2 * bits);
}

/// The N-bit signless `value`, read as unsigned, in the wider signed type `to`: the bias makes
/// it value - 2^(N-1), which sign-extends exactly, and adding 2^(N-1) back gives the value.
Value zeroExtend(OpBuilder &b, Location loc, Value value, IntegerType to) {
  unsigned bits = cast<RankedTensorType>(value.getType()).getElementType().getIntOrFloatBitWidth();
  Value wide =
      CastOp::create(b, loc, withElementType(value, to), flipSignBit(b, loc, value)).getResult();
  Value half = scalarConstant(b, loc, to, APInt::getOneBitSet(to.getWidth(), bits - 1));
  return AddOp::create(b, loc, wide.getType(), wide, half);
}

/// `value` as `type` through kiln.cast, unless it has that type already.
Value castTo(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  if (value.getType() == type)
    return value;
  return CastOp::create(b, loc, type, value);
}

/// Clones `op` onto the converted `operands`, with the converted result types.
Operation *cloneSignless(ConversionPatternRewriter &rewriter, Operation *op, ValueRange operands,
                         const TypeConverter &converter) {
  Operation *clone = rewriter.clone(*op);
  clone->setOperands(operands);
  for (OpResult result : clone->getResults())
    result.setType(converter.convertType(result.getType()));
  return clone;
}

/// Ops whose result bits are the same whether their integers are read as signed or unsigned.
bool isSignAgnostic(Operation *op) {
  return isa<ReturnOp, AddOp, SubOp, MulOp, NegOp, ShiftLeftOp, SelectOp, ReduceSumOp, ReduceProdOp,
             CumsumOp, TransposeOp, ReshapeOp, BroadcastToOp, IotaOp, ConcatOp, SliceOp, PadOp,
             GatherOp, GatherElementsOp>(op);
}

/// Ops that compare or select by order.
bool isOrdering(Operation *op) {
  return isa<CmpOp, MaxOp, MinOp, ReduceMaxOp, ReduceMinOp, ArgmaxOp, ArgminOp, TopKOp,
             MaxPool2DOp>(op);
}

/// Whether this pass gives `op` its unsigned meaning.
bool hasUnsignedLowering(Operation *op) {
  return isSignAgnostic(op) || isOrdering(op) ||
         isa<ConstantOp, ReluOp, AbsOp, DivOp, ShiftRightOp, CastOp>(op);
}

struct RetypeSignAgnosticOp : public ConversionPattern {
  RetypeSignAgnosticOp(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    if (!isSignAgnostic(op))
      return rewriter.notifyMatchFailure(op, "not sign-agnostic");
    rewriter.replaceOp(op, cloneSignless(rewriter, op, operands, *getTypeConverter()));
    return success();
  }
};

/// max(x, 0) and |x| of an unsigned number are x.
template <typename OpTy> struct UnsignedIdentity : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Ordering ops: their unsigned operands are biased into signed order, and their unsigned
/// results (chosen among the biased operands) biased back.
struct BiasOrderedOp : public ConversionPattern {
  BiasOrderedOp(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    if (!isOrdering(op))
      return rewriter.notifyMatchFailure(op, "not an ordering op");
    Location loc = op->getLoc();
    SmallVector<Value> biased;
    for (auto [original, converted] : llvm::zip(op->getOperands(), operands))
      biased.push_back(isUnsignedTensor(original.getType()) ? flipSignBit(rewriter, loc, converted)
                                                            : converted);
    Operation *clone = cloneSignless(rewriter, op, biased, *getTypeConverter());
    SmallVector<Value> results;
    for (auto [original, result] : llvm::zip(op->getResults(), clone->getResults()))
      results.push_back(isUnsignedTensor(original.getType()) ? flipSignBit(rewriter, loc, result)
                                                             : result);
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Division and the right shift in the wider signed type, where both operands are non-negative:
/// there the signed division is the unsigned one and the arithmetic shift the logical one.
template <typename OpTy> struct LowerInWiderType : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;
  LogicalResult matchAndRewrite(OpTy op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()));
    IntegerType wide = widerSignedType(op.getContext(), type.getElementTypeBitWidth());
    Value lhs = zeroExtend(rewriter, loc, adaptor.getLhs(), wide);
    Value rhs = zeroExtend(rewriter, loc, adaptor.getRhs(), wide);
    Value result = OpTy::create(rewriter, loc, type.clone(wide), lhs, rhs);
    rewriter.replaceOpWithNewOp<CastOp>(op, type, result);
    return success();
  }
};

/// Conversions from and to unsigned types (kiln.cast's rules with the unsigned range).
struct LowerUnsignedCast : public OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Type from = op.getInput().getType().getElementType();
    Type to = op.getType().getElementType();
    auto resultType = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type signlessTo = resultType.getElementType();

    if (from.isUnsignedInteger() && !to.isInteger(1)) {
      unsigned bits = from.getIntOrFloatBitWidth();
      // Same width or narrower: the low bits, whatever the signedness.
      if (isa<IntegerType>(to) && to.getIntOrFloatBitWidth() <= bits) {
        rewriter.replaceOp(op, castTo(rewriter, loc, input, resultType));
        return success();
      }
      // Wider integers take the zero-extended value; floats convert it from the wider type,
      // which holds it exactly.
      auto wide = isa<IntegerType>(to) ? cast<IntegerType>(signlessTo)
                                       : widerSignedType(getContext(), bits);
      rewriter.replaceOp(op,
                         castTo(rewriter, loc, zeroExtend(rewriter, loc, input, wide), resultType));
      return success();
    }

    if (to.isUnsignedInteger() && isa<FloatType>(from)) {
      // Saturate into [0, 2^N - 1]: the wider signed type saturates far outside it (and NaN
      // gives 0), then a clamp and the truncation.
      unsigned bits = to.getIntOrFloatBitWidth();
      IntegerType wide = widerSignedType(getContext(), bits);
      auto wideType = resultType.clone(wide);
      Value converted = CastOp::create(rewriter, loc, wideType, input);
      Value zero = scalarConstant(rewriter, loc, wide, APInt::getZero(wide.getWidth()));
      Value top = scalarConstant(rewriter, loc, wide, APInt::getLowBitsSet(wide.getWidth(), bits));
      Value clamped = MinOp::create(rewriter, loc, wideType,
                                    MaxOp::create(rewriter, loc, wideType, converted, zero), top);
      rewriter.replaceOpWithNewOp<CastOp>(op, resultType, clamped);
      return success();
    }

    // From i1 (0 or 1), from signed integers (wrapping) and to i1 (x != 0): the signless cast.
    rewriter.replaceOp(op, castTo(rewriter, loc, input, resultType));
    return success();
  }
};

/// Constants keep their bits (dense elements bitcast, resource blobs reinterpreted).
struct RetypeConstant : public OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Attribute value = op.getValue();
    ElementsAttr converted;
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      converted = dense.bitcast(type.getElementType());
    else if (auto blob = dyn_cast<DenseResourceElementsAttr>(value))
      converted = DenseResourceElementsAttr::get(type, blob.getRawHandle());
    else
      return rewriter.notifyMatchFailure(op, "unknown constant attribute kind");
    rewriter.replaceOpWithNewOp<ConstantOp>(op, type, converted);
    return success();
  }
};

struct KilnLowerUnsignedPass : public impl::KilnLowerUnsignedBase<KilnLowerUnsignedPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    SignlessTypeConverter converter;
    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      if (auto graph = dyn_cast<GraphOp>(op))
        return converter.isSignatureLegal(graph.getFunctionType()) &&
               converter.isLegal(&graph.getBody());
      return converter.isLegal(op);
    });

    WalkResult refused = getOperation().walk([&](Operation *op) {
      if (isa<GraphOp>(op) || converter.isLegal(op) || hasUnsignedLowering(op))
        return WalkResult::advance();
      op->emitError() << "'" << op->getName()
                      << "' on unsigned integers is not supported; kiln.cast them to a signed "
                         "type first";
      return WalkResult::interrupt();
    });
    if (refused.wasInterrupted())
      return signalPassFailure();

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<GraphOp>(patterns, converter);
    patterns.add<RetypeSignAgnosticOp, BiasOrderedOp>(converter, ctx);
    patterns.add<UnsignedIdentity<ReluOp>, UnsignedIdentity<AbsOp>, LowerInWiderType<DivOp>,
                 LowerInWiderType<ShiftRightOp>, LowerUnsignedCast, RetypeConstant>(converter, ctx);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace kiln
