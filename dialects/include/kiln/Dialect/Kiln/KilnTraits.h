//===- KilnTraits.h - Verifiers shared by families of Kiln ops ------------===//
#ifndef KILN_DIALECT_KILN_KILNTRAITS_H
#define KILN_DIALECT_KILN_KILNTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace kiln {
namespace detail {
mlir::LogicalResult verifyBroadcastingElementwise(mlir::Operation *op);
mlir::LogicalResult verifyUnaryElementwise(mlir::Operation *op);
mlir::LogicalResult verifyFloatOnly(mlir::Operation *op);
mlir::LogicalResult verifyReduction(mlir::Operation *op);
mlir::LogicalResult verifyNotBool(mlir::Operation *op);
mlir::LogicalResult verifyNoUnsigned(mlir::Operation *op);
mlir::LogicalResult verifyIntegerOnly(mlir::Operation *op);
mlir::LogicalResult verifyKnownAttributes(mlir::Operation *op);
} // namespace detail

/// The candidate closest to `name` (edit distance), if it is close enough to be what the user
/// meant: a prefix either way, or at most a third of its letters different.
std::optional<llvm::StringRef> closestName(llvm::StringRef name,
                                           llvm::ArrayRef<llvm::StringRef> candidates);

namespace OpTrait {
#define KILN_DEFINE_VERIFYING_TRAIT(NAME)                                                          \
  template <typename ConcreteType>                                                                 \
  class NAME : public mlir::OpTrait::TraitBase<ConcreteType, NAME> {                               \
  public:                                                                                          \
    static mlir::LogicalResult verifyTrait(mlir::Operation *op) {                                  \
      return detail::verify##NAME(op);                                                             \
    }                                                                                              \
  };
KILN_DEFINE_VERIFYING_TRAIT(BroadcastingElementwise)
KILN_DEFINE_VERIFYING_TRAIT(UnaryElementwise)
KILN_DEFINE_VERIFYING_TRAIT(FloatOnly)
KILN_DEFINE_VERIFYING_TRAIT(Reduction)
KILN_DEFINE_VERIFYING_TRAIT(NotBool)
KILN_DEFINE_VERIFYING_TRAIT(NoUnsigned)
KILN_DEFINE_VERIFYING_TRAIT(IntegerOnly)
KILN_DEFINE_VERIFYING_TRAIT(KnownAttributes)
#undef KILN_DEFINE_VERIFYING_TRAIT
} // namespace OpTrait
} // namespace kiln

#endif
