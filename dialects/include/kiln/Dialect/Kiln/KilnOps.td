//===- KilnOps.td - Kiln operations ---------------------------------------===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "kiln/Dialect/Kiln/KilnBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

// Traits whose verifiers are shared by a family of ops (KilnTraits.h).
class Kiln_Trait<string name> : NativeOpTrait<name> {
  let cppNamespace = "::kiln::OpTrait";
}
def Kiln_BroadcastingElementwise : Kiln_Trait<"BroadcastingElementwise">;
def Kiln_UnaryElementwise : Kiln_Trait<"UnaryElementwise">;
def Kiln_FloatOnly : Kiln_Trait<"FloatOnly">;
def Kiln_Reduction : Kiln_Trait<"Reduction">;
def Kiln_NotBool : Kiln_Trait<"NotBool">;
def Kiln_NoUnsigned : Kiln_Trait<"NoUnsigned">;
def Kiln_IntegerOnly : Kiln_Trait<"IntegerOnly">;

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

def Kiln_GraphOp : Kiln_Op<"graph", [
    IsolatedFromAbove, Symbol, FunctionOpInterface,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "A dataflow graph exported as one C function";
  let description = [{
    A graph takes and returns statically shaped tensors. kilnc exports it as the C function
    `int32_t NAME(kiln_context *ctx, const T *in0, ..., T *out0, ...)`. The SSA names of the
    arguments are kept (`arg_names`) and name the arguments in the header and metadata; the
    optional `result_names` (`attributes {result_names = ["probs"]}`) name the results there,
    which are otherwise `result0`, `result1`, ...

    ```mlir
    kiln.graph @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = kiln.exp %x : (tensor<4xf32>) -> tensor<4xf32>
      kiln.return %0 : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       OptionalAttr<StrArrayAttr>:$arg_names,
                       OptionalAttr<StrArrayAttr>:$result_names);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// FunctionOpInterface hooks.
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() { return getFunctionType().getInputs(); }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() { return getFunctionType().getResults(); }
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    /// The C name of argument `i`: its SSA name in the source, else "arg<i>".
    std::string getArgName(unsigned i);
    /// The C name of result `i`: its entry in `result_names`, else "result<i>".
    std::string getResultName(unsigned i);
  }];
}

def Kiln_ReturnOp : Kiln_Op<"return", [Pure, HasParent<"GraphOp">, ReturnLike, Terminator]> {
  let summary = "Returns the results of a graph";
  let arguments = (ins Variadic<Kiln_Tensor>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let hasVerifier = 1;
}

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "A tensor constant";
  let description = [{
    ```mlir
    %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

// Every computing op prints in the one uniform form of docs/design.md.
class Kiln_ComputeOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat([Pure], traits)> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

class Kiln_BinaryOp<string mnemonic, string doc, list<Trait> traits = []>
    : Kiln_ComputeOp<mnemonic, !listconcat([Kiln_BroadcastingElementwise], traits)> {
  let summary = "Elementwise " # doc # " with NumPy broadcasting";
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let hasFolder = 1;
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "addition", [Commutative, Kiln_NotBool]>;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "subtraction", [Kiln_NotBool]>;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "multiplication", [Commutative, Kiln_NotBool]>;
def Kiln_DivOp : Kiln_BinaryOp<"div", "division (integers: truncating, x / 0 = 0)",
                                [Kiln_NotBool]>;
def Kiln_ShiftLeftOp : Kiln_BinaryOp<"shift_left",
    "left shift of integers by the rhs's amounts (one outside [0, N) for N-bit integers shifts "
    "every bit out)", [Kiln_IntegerOnly]>;
def Kiln_ShiftRightOp : Kiln_BinaryOp<"shift_right",
    "right shift of integers by the rhs's amounts, arithmetic for the signed types and logical "
    "for the unsigned ones (one outside [0, N) shifts every bit out: 0, or -1 for a negative "
    "signed lhs)", [Kiln_IntegerOnly]>;
def Kiln_MaxOp : Kiln_BinaryOp<"max", "maximum (NaN propagates)", [Commutative]>;
def Kiln_MinOp : Kiln_BinaryOp<"min", "minimum (NaN propagates)", [Commutative]>;
def Kiln_PowOp : Kiln_ComputeOp<"pow", [Kiln_BroadcastingElementwise, Kiln_FloatOnly]> {
  let summary = "Elementwise lhs ^ rhs (floating point, as C's pow) with NumPy broadcasting";
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
}

class Kiln_UnaryOp<string mnemonic, string doc, list<Trait> traits = []>
    : Kiln_ComputeOp<mnemonic, !listconcat([Kiln_UnaryElementwise], traits)> {
  let summary = "Elementwise " # doc;
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
}

def Kiln_NegOp : Kiln_UnaryOp<"neg", "negation", [Kiln_NotBool]> { let hasFolder = 1; }
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "absolute value", [Kiln_NotBool]>;
def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)", [Kiln_NotBool]>;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "e^x", [Kiln_FloatOnly]>;
def Kiln_LogOp : Kiln_UnaryOp<"log", "natural logarithm", [Kiln_FloatOnly]>;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "square root", [Kiln_FloatOnly]>;
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", "1 / sqrt(x)", [Kiln_FloatOnly]>;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "hyperbolic tangent", [Kiln_FloatOnly]>;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + e^-x)", [Kiln_FloatOnly]>;
def Kiln_SiluOp : Kiln_UnaryOp<"silu", "x * sigmoid(x)", [Kiln_FloatOnly]>;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", "error function", [Kiln_FloatOnly]>;
def Kiln_FloorOp : Kiln_UnaryOp<"floor", "rounding toward -infinity", [Kiln_FloatOnly]>;
def Kiln_CeilOp : Kiln_UnaryOp<"ceil", "rounding toward +infinity", [Kiln_FloatOnly]>;
def Kiln_RoundOp : Kiln_UnaryOp<"round", "rounding to nearest, ties to even (numpy.round)",
                                 [Kiln_FloatOnly]>;
def Kiln_SinOp : Kiln_UnaryOp<"sin", "sine", [Kiln_FloatOnly]>;
def Kiln_CosOp : Kiln_UnaryOp<"cos", "cosine", [Kiln_FloatOnly]>;
def Kiln_TanOp : Kiln_UnaryOp<"tan", "tangent", [Kiln_FloatOnly]>;
def Kiln_AsinOp : Kiln_UnaryOp<"asin", "inverse sine", [Kiln_FloatOnly]>;
def Kiln_AcosOp : Kiln_UnaryOp<"acos", "inverse cosine", [Kiln_FloatOnly]>;
def Kiln_AtanOp : Kiln_UnaryOp<"atan", "inverse tangent", [Kiln_FloatOnly]>;
def Kiln_SinhOp : Kiln_UnaryOp<"sinh", "hyperbolic sine", [Kiln_FloatOnly]>;
def Kiln_CoshOp : Kiln_UnaryOp<"cosh", "hyperbolic cosine", [Kiln_FloatOnly]>;
def Kiln_AsinhOp : Kiln_UnaryOp<"asinh", "inverse hyperbolic sine", [Kiln_FloatOnly]>;
def Kiln_AcoshOp : Kiln_UnaryOp<"acosh", "inverse hyperbolic cosine", [Kiln_FloatOnly]>;
def Kiln_AtanhOp : Kiln_UnaryOp<"atanh", "inverse hyperbolic tangent", [Kiln_FloatOnly]>;

def Kiln_GeluOp : Kiln_ComputeOp<"gelu", [Kiln_UnaryElementwise, Kiln_FloatOnly]> {
  let summary = "Elementwise GELU: x * Phi(x), exact or with the tanh approximation";
  let description = [{
    `approximate = "none"` (default) computes `0.5 * x * (1 + erf(x / sqrt(2)))`;
    `approximate = "tanh"` computes `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))`.
  }];
  let arguments = (ins Kiln_Tensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Compare, select, cast
//===----------------------------------------------------------------------===//

def Kiln_CmpOp : Kiln_ComputeOp<"cmp"> {
  let summary = "Elementwise comparison with NumPy broadcasting, giving i1";
  let description = [{
    `predicate` is one of "eq", "ne", "lt", "le", "gt", "ge". Floats compare as IEEE does:
    every comparison with NaN is false except "ne". Integers compare as signed, i1 as 0 < 1.
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs, StrAttr:$predicate);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_SelectOp : Kiln_ComputeOp<"select"> {
  let summary = "Elementwise `condition ? on_true : on_false` with three-way broadcasting";
  let arguments = (ins Kiln_Tensor:$condition, Kiln_Tensor:$on_true, Kiln_Tensor:$on_false);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_CastOp : Kiln_ComputeOp<"cast"> {
  let summary = "Elementwise conversion to the result's element type";
  let description = [{
    float -> int rounds toward zero and saturates, NaN -> 0; float -> i1 and int -> i1 are
    `x != 0` (NaN -> 0); i1 -> number gives 0 or 1; int -> int wraps (two's complement);
    int -> float and float -> float round to nearest even.
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Kiln_MatmulOp : Kiln_ComputeOp<"matmul", [Kiln_NoUnsigned]> {
  let summary = "numpy.matmul: 2-D, or batched with broadcast batch dimensions";
  let description = [{
    Both operands have rank >= 2; the last two dimensions multiply as `[M, K] x [K, N]` and the
    leading (batch) dimensions broadcast. i8 x i8 accumulates into an i32 result.
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and normalization
//===----------------------------------------------------------------------===//

class Kiln_ReductionOp<string mnemonic, string doc, list<Trait> traits = []>
    : Kiln_ComputeOp<mnemonic, !listconcat([Kiln_Reduction], traits)> {
  let summary = "Reduces `axes` by " # doc;
  let description = [{
    `axes` lists distinct dimensions, negative values counting from the end. With
    `keep_dims = true` the reduced dimensions stay with size 1.
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs Kiln_Tensor:$result);
}

def Kiln_ReduceSumOp : Kiln_ReductionOp<"reduce_sum", "summation", [Kiln_NotBool]>;
def Kiln_ReduceMaxOp : Kiln_ReductionOp<"reduce_max", "maximum">;
def Kiln_ReduceMinOp : Kiln_ReductionOp<"reduce_min", "minimum">;
def Kiln_ReduceMeanOp : Kiln_ReductionOp<"reduce_mean", "the arithmetic mean", [Kiln_FloatOnly]>;
def Kiln_ReduceProdOp : Kiln_ReductionOp<"reduce_prod", "multiplication", [Kiln_NotBool]>;

class Kiln_ArgExtremumOp<string mnemonic, string which> : Kiln_ComputeOp<mnemonic> {
  let summary = "Index (i64) of the first " # which # " along the one axis in `axes`";
  let description = [{
    Like `numpy.argmax` and `numpy.argmin`: NaN counts as the maximum and as the minimum (its
    first occurrence wins), ties give the first index. `axes` holds exactly one axis;
    `keep_dims` keeps it with size 1.
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_ArgmaxOp : Kiln_ArgExtremumOp<"argmax", "maximum">;
def Kiln_ArgminOp : Kiln_ArgExtremumOp<"argmin", "minimum">;

def Kiln_CumsumOp : Kiln_ComputeOp<"cumsum", [Kiln_NotBool]> {
  let summary = "Running sum along `axis` (numpy.cumsum)";
  let description = [{
    `result[..., i, ...] = input[..., 0, ...] + ... + input[..., i, ...]` along `axis`; the
    result has the input's type. `exclusive = true` leaves each element's own term out (the
    first result is 0); `reverse = true` sums from the end of the axis instead. Integers wrap;
    f16 and bf16 accumulate in f32 and round each result. ONNX's CumSum.
  }];
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_TopKOp : Kiln_ComputeOp<"top_k", [Kiln_NotBool]> {
  let summary = "The `k` largest (or smallest) elements along `axis` and their i64 indices";
  let description = [{
    Both results have the input's shape with `axis` of size `k` (`0 <= k <=` the axis' size).
    Along the axis they are sorted: largest first (`largest = true`, the default) or smallest
    first, equal values by ascending index. NaN ranks above every number, so it comes first
    among the largest and last among the smallest (the order of `numpy.sort`).
    ONNX's TopK with `sorted = 1`.
  }];
  let arguments = (ins Kiln_Tensor:$input, I64Attr:$k, DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs Kiln_Tensor:$values, Kiln_Tensor:$indices);
  let hasVerifier = 1;
}

class Kiln_RowNormOp<string mnemonic, string doc>
    : Kiln_ComputeOp<mnemonic, [Kiln_UnaryElementwise, Kiln_FloatOnly]> {
  let summary = doc # " along `axis`";
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_SoftmaxOp : Kiln_RowNormOp<"softmax", "exp(x - max) / sum(exp(x - max))">;
def Kiln_LogSoftmaxOp : Kiln_RowNormOp<"log_softmax", "x - max - log(sum(exp(x - max)))">;

def Kiln_LayerNormOp : Kiln_ComputeOp<"layer_norm", [Kiln_FloatOnly]> {
  let summary = "(x - mean) / sqrt(var + epsilon) * gamma + beta over dims [axis, rank)";
  let description = [{
    Mean and (biased) variance are taken over the dimensions `[axis, rank)`; `gamma` and `beta`
    have exactly the shape of those dimensions.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$gamma, Kiln_Tensor:$beta,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-05">:$epsilon);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_RmsNormOp : Kiln_ComputeOp<"rms_norm", [Kiln_FloatOnly]> {
  let summary = "x / sqrt(mean(x^2) + epsilon) * gamma over dims [axis, rank)";
  let description = [{
    `gamma` has exactly the shape of the dimensions `[axis, rank)`.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$gamma,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-05">:$epsilon);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

def Kiln_TransposeOp : Kiln_ComputeOp<"transpose"> {
  let summary = "Permutes dimensions: result dim i is input dim permutation[i]";
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ReshapeOp : Kiln_ComputeOp<"reshape"> {
  let summary = "Reinterprets the row-major elements with a new shape of equal size";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_BroadcastToOp : Kiln_ComputeOp<"broadcast_to"> {
  let summary = "Broadcasts to the result shape with NumPy rules";
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_IotaOp : Kiln_ComputeOp<"iota"> {
  let summary = "The position along `axis` of each element, as a number (numpy.arange)";
  let description = [{
    `result[i0, ..., in] = i_axis` converted to the result's element type (any but i1).
    `kiln.iota {axis = 0} : () -> tensor<4xi64>` is `[0, 1, 2, 3]`; scaled and offset it
    gives any arithmetic sequence (ONNX's Range) without storing it as a constant.
  }];
  let arguments = (ins DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$result);
  // The uniform format without its empty operand list.
  let assemblyFormat = "attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_ConcatOp : Kiln_ComputeOp<"concat"> {
  let summary = "Joins tensors along `axis`; the other dimensions must match";
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_SliceOp : Kiln_ComputeOp<"slice"> {
  let summary = "input[starts : limits : strides] in every dimension";
  let description = [{
    Per dimension `0 <= start <= limit <= size` and `stride >= 1`; the result has
    `ceil((limit - start) / stride)` elements in that dimension. `strides` defaults to all ones.
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$limits,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `strides`, or all ones when it is absent.
    ::llvm::SmallVector<int64_t> getStridesOrOnes() {
      return ::llvm::SmallVector<int64_t>(getStrides().value_or(
          ::llvm::SmallVector<int64_t>(getInput().getType().getRank(), 1)));
    }
  }];
}

def Kiln_PadOp : Kiln_ComputeOp<"pad"> {
  let summary = "Pads each dimension with `low` and `high` elements of `value` (default 0)";
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$low, DenseI64ArrayAttr:$high,
                       OptionalAttr<TypedAttrInterface>:$value);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

// Index operands are signed integers (i8 to i64). An index i along a dimension of size n
// selects element i for 0 <= i < n and element i + n for -n <= i < 0, as NumPy and ONNX
// count from the end. Other indices are out of range and select zero: the compiled code reads
// inside the tensor whatever the caller passes, and the result is defined and the same on
// every target and in the reference interpreter.
class Kiln_IndexingOp<string mnemonic> : Kiln_ComputeOp<mnemonic> {
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_GatherOp : Kiln_IndexingOp<"gather"> {
  let summary = "Selects slices of `input` along `axis` by an index tensor (numpy.take)";
  let description = [{
    The result's shape is `input.shape[:axis] + indices.shape + input.shape[axis + 1:]`:
    `result[a..., i..., b...] = input[a..., indices[i...], b...]`. This is an embedding lookup
    with `axis = 0` and ONNX's Gather.
  }];
}

def Kiln_GatherElementsOp : Kiln_IndexingOp<"gather_elements"> {
  let summary = "Selects one element along `axis` per index (numpy.take_along_axis)";
  let description = [{
    `indices` has the rank of `input` and no larger dimension except along `axis`; the result has
    the shape of `indices`: `result[p] = input[p with p[axis] replaced by indices[p]]`. ONNX's
    GatherElements.
  }];
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

def Kiln_Conv2DOp : Kiln_ComputeOp<"conv2d", [Kiln_NoUnsigned]> {
  let summary = "2-D convolution of an NHWC input with an HWIO filter";
  let description = [{
    `strides = [sh, sw]`, `padding = [top, bottom, left, right]` (zeros), `dilations = [dh, dw]`.
    The result is `N x Ho x Wo x O` with `Ho = (H + top + bottom - dh * (KH - 1) - 1) / sh + 1`.
    i8 x i8 accumulates into an i32 result; f16/bf16 accumulate in f32.

    `groups = G` splits the C input channels and the O output channels into G consecutive
    groups; output group g convolves input group g only. The filter is `KH x KW x C/G x O`.
    `G = C` is a depthwise convolution (O = C times a channel multiplier).
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$filter,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

def Kiln_ConvTranspose2DOp : Kiln_ComputeOp<"conv_transpose2d", [Kiln_NoUnsigned]> {
  let summary = "2-D transposed convolution of an NHWC input with an HWIO filter";
  let description = [{
    The gradient of `conv2d` with respect to its input (ONNX's ConvTranspose): each input
    position `(y, x)` adds `input[n, y, x, c] * filter[i, j, c', o]` to the result at
    `(y * sh + i * dh - top, x * sw + j * dw - left)`. `strides = [sh, sw]`,
    `dilations = [dh, dw]`, `padding = [top, bottom, left, right]` crops the full result of
    `(H - 1) * sh + dh * (KH - 1) + 1` rows; a negative padding extends it by rows that no
    input reaches (zeros, as ONNX's output_padding does). `groups = G` splits channels as
    `conv2d` does: the filter is `KH x KW x C/G x O` and output group g sees input group g.
    i8 x i8 accumulates into an i32 result; f16/bf16 accumulate in f32.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$filter,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
}

class Kiln_Pool2DOp<string mnemonic, string doc, list<Trait> traits = []>
    : Kiln_ComputeOp<mnemonic, traits> {
  let summary = doc # " over `window` of an NHWC input";
  let description = [{
    `window = [kh, kw]`, `strides = [sh, sw]` (default: the window),
    `padding = [top, bottom, left, right]`. Padded positions never contribute: max ignores them
    and the average divides by the number of in-bounds elements of each window.
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$window,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding);
  let results = (outs Kiln_Tensor:$result);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `strides`, or the window when it is absent.
    ::llvm::SmallVector<int64_t> getStridesOrWindow() {
      return ::llvm::SmallVector<int64_t>(getStrides().value_or(getWindow()));
    }
  }];
}

def Kiln_MaxPool2DOp : Kiln_Pool2DOp<"max_pool2d", "Maximum", [Kiln_NotBool]>;
def Kiln_AvgPool2DOp : Kiln_Pool2DOp<"avg_pool2d", "Average", [Kiln_FloatOnly]>;

//===----------------------------------------------------------------------===//
// User kernels
//===----------------------------------------------------------------------===//

def Kiln_KernelOp : Kiln_Op<"kernel", [
    IsolatedFromAbove, Symbol, FunctionOpInterface, AutomaticAllocationScope]> {
  let summary = "A scalar function over arith and math ops, applied by kiln.map / kiln.reduce";
  let description = [{
    Arguments and the one result are scalars of Kiln element types; the body is one block of
    `arith` and `math` ops on scalars, ended by `kiln.yield`.

    ```mlir
    kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
      %0 = arith.mulf %a, %x : f32
      %1 = arith.addf %0, %y : f32
      kiln.yield %1 : f32
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() { return getFunctionType().getInputs(); }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() { return getFunctionType().getResults(); }
    ::mlir::Region *getCallableRegion() { return &getBody(); }
  }];
}

def Kiln_YieldOp : Kiln_Op<"yield", [Pure, HasParent<"KernelOp">, ReturnLike, Terminator]> {
  let summary = "Returns the result of a kernel";
  let arguments = (ins Kiln_Element:$value);
  let assemblyFormat = "attr-dict $value `:` type($value)";
  let hasVerifier = 1;
}

def Kiln_MapOp : Kiln_Op<"map", [Pure, Kiln_NoUnsigned, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Applies a kernel elementwise, with NumPy broadcasting of the operands";
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<Kiln_Tensor>:$inputs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $kernel `(` $inputs `)` attr-dict `:` functional-type($inputs, results)
  }];
}

def Kiln_ReduceOp : Kiln_Op<"reduce", [Pure, Kiln_NoUnsigned, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Folds `axes` with a two-argument kernel, starting from `init`";
  let description = [{
    The kernel has type `(T, T) -> T` for the element type T; the fold is
    `acc = kernel(acc, x)` over the reduced elements in row-major order, `acc` starting at `init`.
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Kiln_Tensor:$input, DenseI64ArrayAttr:$axes,
                       TypedAttrInterface:$init, DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $kernel `(` $input `)` attr-dict `:` functional-type($input, results)
  }];
  let hasVerifier = 1;
}

#endif // KILN_OPS_TD
