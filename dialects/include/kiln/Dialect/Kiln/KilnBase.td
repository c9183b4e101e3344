//===- KilnBase.td - The Kiln dialect and its type constraints ------------===//

#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "Dataflow graphs of tensor kernels, compiled ahead of time";
  let description = [{
    The Kiln dialect describes graphs of tensor operations with static shapes and
    NumPy semantics (broadcasting, negative axes). A `kiln.graph` becomes one exported
    C function; see docs/design.md for the contract.
  }];
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    // An unknown `kiln.` op gets an error that suggests the closest op (KilnNames.cpp).
    std::optional<ParseOpHook> getParseOperationHook(::llvm::StringRef opName) const override;
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

// Every Kiln op rejects attributes it does not define (KilnNames.cpp). MLIR would keep a
// misspelled one as a discardable attribute, and the op would compute with the default instead.
def Kiln_KnownAttributes : NativeOpTrait<"KnownAttributes"> {
  let cppNamespace = "::kiln::OpTrait";
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, !listconcat([Kiln_KnownAttributes], traits)>;

def Kiln_FloatElement : AnyTypeOf<[F32, F64, F16, BF16]>;
def Kiln_IntElement : AnyTypeOf<[I1, I8, I16, I32, I64]>;
def Kiln_Element : AnyTypeOf<[F32, F64, F16, BF16, I1, I8, I16, I32, I64]>;

// Kernels' scalars are signless (arith's integers); tensors may also hold unsigned integers,
// which kiln-lower-unsigned rewrites into signless ones before lowering.
def Kiln_Tensor : StaticShapeTensorOf<[F32, F64, F16, BF16, I1, I8, I16, I32, I64,
                                       UI8, UI16, UI32]>;
def Kiln_FloatTensor : StaticShapeTensorOf<[F32, F64, F16, BF16]>;

#endif // KILN_BASE_TD
