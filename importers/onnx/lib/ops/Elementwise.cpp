//===- Elementwise.cpp - ONNX elementwise ops onto Kiln's -----------------===//
//
// Activations without a Kiln op of their own are written with Kiln's elementwise ops, which
// kiln-fuse-elementwise joins into one loop: no speed is lost to the decomposition.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

template <typename OpTy> Value unary(NodeImporter &node, Value input) {
  return node.create<OpTy>(input.getType(), input);
}

Value scalarLike(NodeImporter &node, Value like, double value) {
  return node.scalar(elementTypeOf(like), value);
}

bool requireFloat(NodeImporter &node, Value value) {
  if (isa<FloatType>(elementTypeOf(value)))
    return true;
  node.unsupported("only floating-point inputs are supported");
  return false;
}

/// Evaluates an integer binary op on known inputs (shape arithmetic), with broadcasting.
template <typename Fn> std::optional<HostTensor> foldIntBinary(NodeImporter &node, Fn fn) {
  const HostTensor *lhs = node.constantInput(0), *rhs = node.constantInput(1);
  if (!lhs || !rhs || !lhs->isInteger() || !rhs->isInteger() ||
      lhs->elementType != rhs->elementType)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(lhs->shape, rhs->shape);
  if (!shape)
    return std::nullopt;
  int64_t count = 1;
  for (int64_t d : *shape)
    count *= d;
  if (count > 4096)
    return std::nullopt;
  auto sourceIndex = [&](const HostTensor &t, int64_t flat) {
    int64_t index = 0, stride = 1;
    for (int64_t d = int64_t(shape->size()) - 1, td = int64_t(t.shape.size()) - 1; d >= 0;
         --d, --td) {
      int64_t coord = flat % (*shape)[d];
      flat /= (*shape)[d];
      if (td >= 0) {
        if (t.shape[td] != 1)
          index += coord * stride;
        stride *= t.shape[td];
      }
    }
    return index;
  };
  std::vector<int64_t> values(count);
  for (int64_t i = 0; i < count; ++i)
    values[i] = fn(lhs->intAt(sourceIndex(*lhs, i)), rhs->intAt(sourceIndex(*rhs, i)));
  return HostTensor::fromInts(lhs->elementType, *shape, values);
}

template <typename OpTy, typename Fold> void importArithmetic(NodeImporter &node, Fold fold) {
  if (std::optional<HostTensor> folded = foldIntBinary(node, fold))
    return node.setOutput(0, std::move(*folded));
  if (RankedTensorType type = node.outputType(0))
    node.setOutput(0, node.create<OpTy>(type, node.input(0), node.input(1)));
}

template <typename OpTy> void importUnary(NodeImporter &node) {
  node.setOutput(0, unary<OpTy>(node, node.input(0)));
}

template <typename OpTy> void importFloatUnary(NodeImporter &node) {
  Value x = node.input(0);
  if (requireFloat(node, x))
    node.setOutput(0, unary<OpTy>(node, x));
}

/// Max, Min, Sum, Mean: any number of inputs, broadcast together.
template <typename OpTy> Value variadic(NodeImporter &node) {
  Value result = node.input(0);
  for (unsigned i = 1; i < node.numInputs(); ++i)
    result = broadcastBinary<OpTy>(node, result, node.input(i));
  return result;
}

void importCompare(NodeImporter &node, StringRef predicate) {
  node.setOutput(0, compareValues(node, node.input(0), node.input(1), predicate));
}

void importPow(NodeImporter &node) {
  Value base = node.input(0);
  if (!isa<FloatType>(elementTypeOf(base)))
    return node.unsupported("Pow of an integer base is not supported");
  Value exponent = castTo(node, node.input(1), elementTypeOf(base));
  node.setOutput(0, broadcastBinary<kiln::PowOp>(node, base, exponent));
}

void importMean(NodeImporter &node) {
  Value sum = variadic<kiln::AddOp>(node);
  if (requireFloat(node, sum))
    node.setOutput(
        0, broadcastBinary<kiln::DivOp>(node, sum, scalarLike(node, sum, node.numInputs())));
}

void importNot(NodeImporter &node) {
  Value x = node.input(0);
  node.setOutput(0, compareValues(node, x, node.scalar(node.builder().getI1Type(), 0), "eq"));
}

void importWhere(NodeImporter &node) {
  node.setOutput(0, selectValues(node, node.input(0), node.input(1), node.input(2)));
}

void importReciprocal(NodeImporter &node) {
  Value x = node.input(0);
  if (requireFloat(node, x))
    node.setOutput(0, broadcastBinary<kiln::DivOp>(node, scalarLike(node, x, 1.0), x));
}

void importSign(NodeImporter &node) {
  Value x = node.input(0);
  Value zero = scalarLike(node, x, 0);
  // NaN compares false both ways and stays NaN, as numpy.sign gives.
  Value negative =
      selectValues(node, compareValues(node, x, zero, "lt"), scalarLike(node, x, -1), x);
  node.setOutput(
      0, selectValues(node, compareValues(node, x, zero, "gt"), scalarLike(node, x, 1), negative));
}

void importLeakyRelu(NodeImporter &node) {
  Value x = node.input(0);
  float alpha = node.floatAttr("alpha", 0.01f);
  if (!requireFloat(node, x))
    return;
  Value scaled = broadcastBinary<kiln::MulOp>(node, x, scalarLike(node, x, alpha));
  node.setOutput(
      0, selectValues(node, compareValues(node, x, scalarLike(node, x, 0), "lt"), scaled, x));
}

void importPRelu(NodeImporter &node) {
  Value x = node.input(0), slope = node.input(1);
  Value scaled = broadcastBinary<kiln::MulOp>(node, x, slope);
  node.setOutput(
      0, selectValues(node, compareValues(node, x, scalarLike(node, x, 0), "lt"), scaled, x));
}

/// alpha * (exp(x) - 1), the negative branch of Elu, Selu and Celu.
Value expm1Scaled(NodeImporter &node, Value x, double alpha) {
  Value expm1 =
      broadcastBinary<kiln::SubOp>(node, unary<kiln::ExpOp>(node, x), scalarLike(node, x, 1));
  return broadcastBinary<kiln::MulOp>(node, expm1, scalarLike(node, x, alpha));
}

void importElu(NodeImporter &node) {
  Value x = node.input(0);
  float alpha = node.floatAttr("alpha", 1.0f);
  if (!requireFloat(node, x))
    return;
  node.setOutput(0, selectValues(node, compareValues(node, x, scalarLike(node, x, 0), "lt"),
                                 expm1Scaled(node, x, alpha), x));
}

void importSelu(NodeImporter &node) {
  Value x = node.input(0);
  float alpha = node.floatAttr("alpha", 1.67326319217681884765625f);
  float gamma = node.floatAttr("gamma", 1.05070102214813232421875f);
  if (!requireFloat(node, x))
    return;
  Value inner = selectValues(node, compareValues(node, x, scalarLike(node, x, 0), "gt"), x,
                             expm1Scaled(node, x, alpha));
  node.setOutput(0, broadcastBinary<kiln::MulOp>(node, inner, scalarLike(node, x, gamma)));
}

void importCelu(NodeImporter &node) {
  Value x = node.input(0);
  float alpha = node.floatAttr("alpha", 1.0f);
  if (!requireFloat(node, x))
    return;
  Value zero = scalarLike(node, x, 0);
  Value scaledX = broadcastBinary<kiln::DivOp>(node, x, scalarLike(node, x, alpha));
  Value negative = broadcastBinary<kiln::MinOp>(node, zero, expm1Scaled(node, scaledX, alpha));
  node.setOutput(
      0, broadcastBinary<kiln::AddOp>(node, broadcastBinary<kiln::MaxOp>(node, zero, x), negative));
}

/// max(0, min(1, alpha * x + beta)).
Value hardSigmoid(NodeImporter &node, Value x, double alpha, double beta) {
  Value linear = broadcastBinary<kiln::AddOp>(
      node, broadcastBinary<kiln::MulOp>(node, x, scalarLike(node, x, alpha)),
      scalarLike(node, x, beta));
  Value upper = broadcastBinary<kiln::MinOp>(node, linear, scalarLike(node, x, 1));
  return broadcastBinary<kiln::MaxOp>(node, upper, scalarLike(node, x, 0));
}

void importHardSigmoid(NodeImporter &node) {
  Value x = node.input(0);
  float alpha = node.floatAttr("alpha", 0.2f), beta = node.floatAttr("beta", 0.5f);
  if (requireFloat(node, x))
    node.setOutput(0, hardSigmoid(node, x, alpha, beta));
}

void importHardSwish(NodeImporter &node) {
  Value x = node.input(0);
  if (requireFloat(node, x))
    node.setOutput(0, broadcastBinary<kiln::MulOp>(node, x, hardSigmoid(node, x, 1.0 / 6, 0.5)));
}

void importSoftplus(NodeImporter &node) {
  Value x = node.input(0);
  if (!requireFloat(node, x))
    return;
  // max(x, 0) + log(1 + exp(-|x|)): log(1 + exp(x)) without overflow for large x.
  Value negAbs = unary<kiln::NegOp>(node, unary<kiln::AbsOp>(node, x));
  Value log1p =
      unary<kiln::LogOp>(node, broadcastBinary<kiln::AddOp>(node, unary<kiln::ExpOp>(node, negAbs),
                                                            scalarLike(node, x, 1)));
  node.setOutput(0, broadcastBinary<kiln::AddOp>(node, unary<kiln::ReluOp>(node, x), log1p));
}

void importSoftsign(NodeImporter &node) {
  Value x = node.input(0);
  if (!requireFloat(node, x))
    return;
  Value denominator =
      broadcastBinary<kiln::AddOp>(node, unary<kiln::AbsOp>(node, x), scalarLike(node, x, 1));
  node.setOutput(0, broadcastBinary<kiln::DivOp>(node, x, denominator));
}

void importThresholdedRelu(NodeImporter &node) {
  Value x = node.input(0);
  float alpha = node.floatAttr("alpha", 1.0f);
  if (requireFloat(node, x))
    node.setOutput(0, selectValues(node, compareValues(node, x, scalarLike(node, x, alpha), "gt"),
                                   x, scalarLike(node, x, 0)));
}

void importShrink(NodeImporter &node) {
  Value x = node.input(0);
  float lambd = node.floatAttr("lambd", 0.5f), bias = node.floatAttr("bias", 0.0f);
  // On integers ONNX computes with the float attributes and truncates the result; with a whole
  // bias and lambd >= 0 that is the integer computation below.
  Type element = elementTypeOf(x);
  if (auto integer = dyn_cast<IntegerType>(element)) {
    if (bias != std::trunc(bias) || lambd < 0)
      return node.unsupported("integer inputs with a fractional bias or a negative lambd are "
                              "not supported");
    // The thresholds are integer constants of the input's type (x > 1.5 is x > 1).
    unsigned width = integer.getWidth();
    double largest =
        integer.isUnsigned() ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
    if (lambd > largest)
      return node.unsupported("lambd is beyond the range of the input's integer type");
  }
  Value shrunkUp = broadcastBinary<kiln::SubOp>(node, x, scalarLike(node, x, bias));
  Value upper = selectValues(node, compareValues(node, x, scalarLike(node, x, lambd), "gt"),
                             shrunkUp, scalarLike(node, x, 0));
  // An unsigned x is never below -lambd (and -lambd is no value of its type).
  if (element.isUnsignedInteger())
    return node.setOutput(0, upper);
  Value shrunkDown = broadcastBinary<kiln::AddOp>(node, x, scalarLike(node, x, bias));
  node.setOutput(0, selectValues(node, compareValues(node, x, scalarLike(node, x, -lambd), "lt"),
                                 shrunkDown, upper));
}

void importClip(NodeImporter &node) {
  Value x = node.input(0);
  if (node.hasInput(1))
    x = broadcastBinary<kiln::MaxOp>(node, x, node.input(1));
  if (node.hasInput(2))
    x = broadcastBinary<kiln::MinOp>(node, x, node.input(2));
  node.setOutput(0, x);
}

void importIsNaN(NodeImporter &node) {
  Value x = node.input(0);
  if (requireFloat(node, x))
    node.setOutput(0, compareValues(node, x, x, "ne"));
}

void importIsInf(NodeImporter &node) {
  Value x = node.input(0);
  bool negative = node.intAttr("detect_negative", 1), positive = node.intAttr("detect_positive", 1);
  if (!requireFloat(node, x))
    return;
  double inf = std::numeric_limits<double>::infinity();
  Value result = node.scalar(node.builder().getI1Type(), 0);
  if (positive)
    result = broadcastBinary<kiln::MaxOp>(node, result,
                                          compareValues(node, x, scalarLike(node, x, inf), "eq"));
  if (negative)
    result = broadcastBinary<kiln::MaxOp>(node, result,
                                          compareValues(node, x, scalarLike(node, x, -inf), "eq"));
  node.setOutput(0, reshapeTo(node, result, shapeOf(x)));
}

/// C's fmod of floating-point tensors as kiln.map of a kernel around arith.remf, which is exact
/// (x - trunc(x / y) * y in Kiln ops is not). The kernel, one per element type, is named with
/// dots so that it cannot meet a graph's name, which is a C identifier.
Value floatRemainder(NodeImporter &node, Value x, Value y) {
  Type element = elementTypeOf(x);
  std::string typeName;
  llvm::raw_string_ostream(typeName) << element;
  std::string name = "onnx.fmod." + typeName;
  auto module = node.builder().getBlock()->getParentOp()->getParentOfType<ModuleOp>();
  if (!SymbolTable::lookupSymbolIn(module, name)) {
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    auto kernel = kiln::KernelOp::create(
        b, node.loc(), name, FunctionType::get(node.context(), {element, element}, {element}),
        ArrayAttr(), ArrayAttr());
    Block *body =
        b.createBlock(&kernel.getBody(), {}, {element, element}, {node.loc(), node.loc()});
    Value remainder =
        arith::RemFOp::create(b, node.loc(), body->getArgument(0), body->getArgument(1));
    kiln::YieldOp::create(b, node.loc(), remainder);
  }
  SmallVector<int64_t> shape = broadcastOrReport(node, shapeOf(x), shapeOf(y));
  return node.create<kiln::MapOp>(tensorType(shape, element),
                                  FlatSymbolRefAttr::get(node.context(), name), ValueRange{x, y});
}

void importMod(NodeImporter &node) {
  bool cStyle = node.intAttr("fmod", 0);
  Value x = node.input(0), y = node.input(1);
  if (isa<FloatType>(elementTypeOf(x))) {
    // ONNX defines Mod of floating point only with fmod = 1.
    if (!cStyle)
      return node.unsupported("fmod = 0 on floating point is not defined by ONNX");
    return node.setOutput(0, floatRemainder(node, x, y));
  }
  if (elementTypeOf(x).isInteger(1))
    return node.unsupported("Mod of booleans is not supported");
  // Kiln's integer division truncates: x - (x / y) * y is C's remainder, exact in wrapping
  // arithmetic.
  Value remainder = broadcastBinary<kiln::SubOp>(
      node, x, broadcastBinary<kiln::MulOp>(node, broadcastBinary<kiln::DivOp>(node, x, y), y));
  if (cStyle)
    return node.setOutput(0, remainder);
  // Python's remainder takes the divisor's sign: add y when a nonzero remainder has the other.
  Value zero = scalarLike(node, x, 0);
  Value signsDiffer = compareValues(node, compareValues(node, remainder, zero, "lt"),
                                    compareValues(node, y, zero, "lt"), "ne");
  Value adjust =
      broadcastBinary<kiln::MinOp>(node, compareValues(node, remainder, zero, "ne"), signsDiffer);
  node.setOutput(
      0, selectValues(node, adjust, broadcastBinary<kiln::AddOp>(node, remainder, y), remainder));
}

/// ONNX defines BitShift on unsigned integers, where Kiln's right shift is logical; amounts of
/// the bit width or more give 0, as NumPy's shifts do.
void importBitShift(NodeImporter &node) {
  std::string direction = node.stringAttr("direction", "");
  Value x = node.input(0), y = node.input(1);
  if (direction == "LEFT")
    return node.setOutput(0, broadcastBinary<kiln::ShiftLeftOp>(node, x, y));
  if (direction == "RIGHT")
    return node.setOutput(0, broadcastBinary<kiln::ShiftRightOp>(node, x, y));
  node.unsupported("direction must be \"LEFT\" or \"RIGHT\", got \"" + direction + "\"");
}

void importIdentity(NodeImporter &node) {
  if (const HostTensor *known = node.constantInput(0))
    return node.setOutput(0, *known);
  node.setOutput(0, node.input(0));
}

void importDropout(NodeImporter &node) {
  node.ignoreAttr("seed");
  if (node.hasInput(2)) {
    const HostTensor *training = node.constantInput(2);
    if (!training || training->numElements() != 1 || training->intAt(0) != 0)
      return node.unsupported("training_mode must be a constant false: Kiln compiles inference");
  }
  importIdentity(node);
  if (node.isOutputUsed(1)) {
    RankedTensorType maskType = node.outputType(1);
    if (!maskType)
      return;
    std::vector<int64_t> ones(maskType.getNumElements(), 1);
    node.setOutput(1, HostTensor::fromInts(maskType.getElementType(), maskType.getShape(), ones));
  }
}

void castKnown(NodeImporter &node, const HostTensor &known, Type to) {
  if (to.isInteger() && known.isInteger())
    return node.setOutput(0, HostTensor::fromInts(to, known.shape, known.toInts()));
  std::vector<double> values(known.numElements());
  for (int64_t i = 0, e = known.numElements(); i != e; ++i)
    values[i] = known.doubleAt(i);
  node.setOutput(0, HostTensor::fromDoubles(to, known.shape, values));
}

void importCastTo(NodeImporter &node, Type to) {
  const HostTensor *known = node.constantInput(0);
  if (known && known->numElements() <= 4096 && !isa<FloatType>(to) == known->isInteger())
    return castKnown(node, *known, to);
  node.setOutput(0, castTo(node, node.input(0), to));
}

void importCast(NodeImporter &node) {
  node.ignoreAttr("saturate");
  node.ignoreAttr("to"); // The inferred output type is `to`.
  RankedTensorType type = node.outputType(0);
  if (type)
    importCastTo(node, type.getElementType());
}

} // namespace

void addElementwiseOps(OpTable &table) {
  table["Add"] = [](NodeImporter &n) {
    importArithmetic<kiln::AddOp>(
        n, [](int64_t a, int64_t b) { return int64_t(uint64_t(a) + uint64_t(b)); });
  };
  table["Sub"] = [](NodeImporter &n) {
    importArithmetic<kiln::SubOp>(
        n, [](int64_t a, int64_t b) { return int64_t(uint64_t(a) - uint64_t(b)); });
  };
  table["Mul"] = [](NodeImporter &n) {
    importArithmetic<kiln::MulOp>(
        n, [](int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); });
  };
  table["Div"] = [](NodeImporter &n) {
    // Kiln's integer division truncates and gives 0 for x / 0, as the folded value does.
    importArithmetic<kiln::DivOp>(n, [](int64_t a, int64_t b) {
      return b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min()) ? (b == 0 ? 0 : a)
                                                                             : a / b;
    });
  };
  table["Pow"] = importPow;
  table["Max"] = [](NodeImporter &n) { n.setOutput(0, variadic<kiln::MaxOp>(n)); };
  table["Min"] = [](NodeImporter &n) { n.setOutput(0, variadic<kiln::MinOp>(n)); };
  table["Sum"] = [](NodeImporter &n) { n.setOutput(0, variadic<kiln::AddOp>(n)); };
  table["Mean"] = importMean;
  table["Equal"] = [](NodeImporter &n) { importCompare(n, "eq"); };
  table["Less"] = [](NodeImporter &n) { importCompare(n, "lt"); };
  table["LessOrEqual"] = [](NodeImporter &n) { importCompare(n, "le"); };
  table["Greater"] = [](NodeImporter &n) { importCompare(n, "gt"); };
  table["GreaterOrEqual"] = [](NodeImporter &n) { importCompare(n, "ge"); };
  // On i1, max is `or` and min is `and`.
  table["And"] = [](NodeImporter &n) {
    n.setOutput(0, broadcastBinary<kiln::MinOp>(n, n.input(0), n.input(1)));
  };
  table["Or"] = [](NodeImporter &n) {
    n.setOutput(0, broadcastBinary<kiln::MaxOp>(n, n.input(0), n.input(1)));
  };
  table["Xor"] = [](NodeImporter &n) { importCompare(n, "ne"); };
  table["Not"] = importNot;
  table["Mod"] = importMod;
  table["BitShift"] = importBitShift;
  table["Where"] = importWhere;
  table["Relu"] = importUnary<kiln::ReluOp>;
  table["Neg"] = importUnary<kiln::NegOp>;
  table["Abs"] = importUnary<kiln::AbsOp>;
  table["Exp"] = importFloatUnary<kiln::ExpOp>;
  table["Log"] = importFloatUnary<kiln::LogOp>;
  table["Sqrt"] = importFloatUnary<kiln::SqrtOp>;
  table["Tanh"] = importFloatUnary<kiln::TanhOp>;
  table["Sigmoid"] = importFloatUnary<kiln::SigmoidOp>;
  table["Erf"] = importFloatUnary<kiln::ErfOp>;
  table["Floor"] = importFloatUnary<kiln::FloorOp>;
  table["Ceil"] = importFloatUnary<kiln::CeilOp>;
  table["Round"] = importFloatUnary<kiln::RoundOp>;
  table["Sin"] = importFloatUnary<kiln::SinOp>;
  table["Cos"] = importFloatUnary<kiln::CosOp>;
  table["Tan"] = importFloatUnary<kiln::TanOp>;
  table["Asin"] = importFloatUnary<kiln::AsinOp>;
  table["Acos"] = importFloatUnary<kiln::AcosOp>;
  table["Atan"] = importFloatUnary<kiln::AtanOp>;
  table["Sinh"] = importFloatUnary<kiln::SinhOp>;
  table["Cosh"] = importFloatUnary<kiln::CoshOp>;
  table["Asinh"] = importFloatUnary<kiln::AsinhOp>;
  table["Acosh"] = importFloatUnary<kiln::AcoshOp>;
  table["Atanh"] = importFloatUnary<kiln::AtanhOp>;
  table["Reciprocal"] = importReciprocal;
  table["Sign"] = importSign;
  table["LeakyRelu"] = importLeakyRelu;
  table["PRelu"] = importPRelu;
  table["Elu"] = importElu;
  table["Selu"] = importSelu;
  table["Celu"] = importCelu;
  table["HardSigmoid"] = importHardSigmoid;
  table["HardSwish"] = importHardSwish;
  table["Softplus"] = importSoftplus;
  table["Softsign"] = importSoftsign;
  table["ThresholdedRelu"] = importThresholdedRelu;
  table["Clip"] = importClip;
  table["Shrink"] = importShrink;
  table["IsNaN"] = importIsNaN;
  table["IsInf"] = importIsInf;
  table["Identity"] = importIdentity;
  table["Dropout"] = importDropout;
  table["Cast"] = importCast;
  table["CastLike"] = [](NodeImporter &n) {
    n.ignoreAttr("saturate");
    importCastTo(n, n.inputType(1).getElementType());
  };
}

} // namespace kiln::onnx_importer
