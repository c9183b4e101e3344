//===- ParserGuards.h - Inputs that MLIR's own parser crashes on ----------===//
//
// Kiln never crashes on its input, but a few inputs crash MLIR 22's parser before any Kiln code
// runs. Every front end calls this on the source before parsing it and refuses those inputs
// with a located error.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECT_KILN_PARSERGUARDS_H
#define KILN_DIALECT_KILN_PARSERGUARDS_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/SourceMgr.h"

namespace kiln {

/// Reports each construct of the main buffer of `sourceMgr` that the MLIR parser is known to
/// crash on, as a located error through the SourceMgr (the format of MLIR's own diagnostics);
/// fails if there is any. It needs no MLIRContext, so a tool can run it before making one.
mlir::LogicalResult rejectParserCrashes(llvm::SourceMgr &sourceMgr);

} // namespace kiln

#endif // KILN_DIALECT_KILN_PARSERGUARDS_H
