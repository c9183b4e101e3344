//===- KilnOps.td - Kiln operations ---------------------------------------===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "kiln/Dialect/Kiln/KilnBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

// Traits whose verifiers are shared by a family of ops (KilnTraits.h).
class Kiln_Trait<string name> : NativeOpTrait<name> {
  let cppNamespace = "::kiln::OpTrait";
}
def Kiln_BroadcastingElementwise : Kiln_Trait<"BroadcastingElementwise">;
def Kiln_UnaryElementwise : Kiln_Trait<"UnaryElementwise">;
def Kiln_FloatOnly : Kiln_Trait<"FloatOnly">;
def Kiln_Reduction : Kiln_Trait<"Reduction">;

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
    arguments are kept (`arg_names`) and name the arguments in the header and metadata.

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
                       OptionalAttr<StrArrayAttr>:$arg_names);
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

// Every computing op prints in the one uniform form of DESIGN.md.
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

def Kiln_AddOp : Kiln_BinaryOp<"add", "addition", [Commutative]>;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "subtraction">;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "multiplication", [Commutative]>;
def Kiln_DivOp : Kiln_BinaryOp<"div", "division (integers: truncating, x / 0 = 0)">;
def Kiln_MaxOp : Kiln_BinaryOp<"max", "maximum (NaN propagates)", [Commutative]>;
def Kiln_MinOp : Kiln_BinaryOp<"min", "minimum (NaN propagates)", [Commutative]>;

class Kiln_UnaryOp<string mnemonic, string doc, list<Trait> traits = []>
    : Kiln_ComputeOp<mnemonic, !listconcat([Kiln_UnaryElementwise], traits)> {
  let summary = "Elementwise " # doc;
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
}

def Kiln_NegOp : Kiln_UnaryOp<"neg", "negation"> { let hasFolder = 1; }
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "absolute value">;
def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "e^x", [Kiln_FloatOnly]>;
def Kiln_LogOp : Kiln_UnaryOp<"log", "natural logarithm", [Kiln_FloatOnly]>;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "square root", [Kiln_FloatOnly]>;
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", "1 / sqrt(x)", [Kiln_FloatOnly]>;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "hyperbolic tangent", [Kiln_FloatOnly]>;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + e^-x)", [Kiln_FloatOnly]>;

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Kiln_MatmulOp : Kiln_ComputeOp<"matmul"> {
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

class Kiln_ReduceOp<string mnemonic, string doc, list<Trait> traits = []>
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

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "summation">;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "maximum">;
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "the arithmetic mean", [Kiln_FloatOnly]>;

def Kiln_SoftmaxOp : Kiln_ComputeOp<"softmax", [Kiln_UnaryElementwise, Kiln_FloatOnly]> {
  let summary = "exp(x - max) / sum(exp(x - max)) along `axis`";
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
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

#endif // KILN_OPS_TD
