//===- KilnNames.cpp - Unknown attribute and op names, with suggestions ---===//
//
// A typo in an attribute or op name must be an error, located, that says what was meant:
// MLIR keeps an unknown attribute as a discardable one (the op then uses its default), and an
// unknown op only gets "custom op ... is unknown".
//
//===----------------------------------------------------------------------===//
#include "kiln/Dialect/Kiln/KilnDialect.h"
#include "kiln/Dialect/Kiln/KilnTraits.h"

#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

std::optional<StringRef> kiln::closestName(StringRef name, ArrayRef<StringRef> candidates) {
  // A shortened or lengthened name ("eps" for "epsilon") beats a nearer unrelated one ("axis").
  auto isPrefix = [&](StringRef candidate) {
    return candidate.starts_with(name) || name.starts_with(candidate);
  };
  std::optional<StringRef> best;
  unsigned bestDistance = ~0u;
  bool bestIsPrefix = false;
  for (StringRef candidate : candidates) {
    unsigned distance = name.edit_distance(candidate);
    bool prefix = isPrefix(candidate);
    if (std::make_pair(!prefix, distance) < std::make_pair(!bestIsPrefix, bestDistance)) {
      best = candidate;
      bestDistance = distance;
      bestIsPrefix = prefix;
    }
  }
  if (best && (bestIsPrefix || bestDistance * 3 <= best->size()))
    return best;
  return std::nullopt;
}

LogicalResult kiln::detail::verifyKnownAttributes(Operation *op) {
  ArrayRef<StringAttr> known = op->getRegisteredInfo()->getAttributeNames();
  for (NamedAttribute attribute : op->getDiscardableAttrs()) {
    StringRef name = attribute.getName().strref();
    // "dialect.name" attributes belong to their dialect (passes annotate ops with them).
    if (name.contains('.') || llvm::is_contained(known, attribute.getName()))
      continue;
    SmallVector<StringRef> names =
        llvm::map_to_vector(known, [](StringAttr a) { return a.strref(); });
    InFlightDiagnostic error = op->emitOpError("has no attribute '") << name << "'";
    if (std::optional<StringRef> meant = closestName(name, names))
      error << "; did you mean '" << *meant << "'?";
    else if (names.empty())
      error << "; it takes none";
    else
      error << " (its attributes: " << llvm::join(names, ", ") << ")";
    return error;
  }
  return success();
}

/// Parses nothing: reports the unknown op, with the registered Kiln op it most resembles.
static ParseResult parseUnknownOp(OpAsmParser &parser, OperationState &state) {
  StringRef name = state.name.getStringRef();
  SmallVector<StringRef> ops;
  for (RegisteredOperationName op : state.name.getContext()->getRegisteredOperations())
    if (op.getDialectNamespace() == kiln::KilnDialect::getDialectNamespace())
      ops.push_back(op.getStringRef());
  // The parser prefixes "custom op '<name>' ".
  InFlightDiagnostic error = parser.emitError(parser.getNameLoc(), "is unknown");
  if (std::optional<StringRef> meant = kiln::closestName(name, ops))
    error << "; did you mean '" << *meant << "'?";
  return failure();
}

std::optional<Dialect::ParseOpHook>
kiln::KilnDialect::getParseOperationHook(StringRef opName) const {
  if (std::optional<ParseOpHook> hook = Dialect::getParseOperationHook(opName))
    return hook;
  return ParseOpHook(parseUnknownOp);
}
