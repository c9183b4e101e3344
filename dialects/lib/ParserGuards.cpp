//===- ParserGuards.cpp - Inputs that MLIR's own parser crashes on --------===//
#include "kiln/Dialect/Kiln/ParserGuards.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using llvm::SmallVector;
using llvm::StringRef;

/// Whether offset `at` of `text` lies in a `//` comment.
static bool inLineComment(StringRef text, size_t at) {
  size_t lineStart = text.rfind('\n', at);
  lineStart = lineStart == StringRef::npos ? 0 : lineStart + 1;
  return text.slice(lineStart, at).contains("//");
}

LogicalResult kiln::rejectParserCrashes(llvm::SourceMgr &sourceMgr) {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  StringRef text = buffer->getBuffer();
  // MLIR 22's parseDenseArrayAttr dereferences a null element parser for `array<index: ...>`
  // (index has no fixed width) and crashes; Kiln's array attributes are i64 anyway.
  llvm::Regex indexArray("array[ \t\r\n]*<[ \t\r\n]*index");
  bool found = false;
  for (size_t offset = 0; offset < text.size();) {
    SmallVector<StringRef, 1> match;
    if (!indexArray.match(text.drop_front(offset), &match))
      break;
    size_t at = match[0].data() - text.data();
    offset = at + match[0].size();
    bool longerName = offset < text.size() && (llvm::isAlnum(text[offset]) || text[offset] == '_');
    if (longerName || inLineComment(text, at))
      continue;
    sourceMgr.PrintMessage(llvm::SMLoc::getFromPointer(text.data() + at), llvm::SourceMgr::DK_Error,
                           "index-typed dense arrays (array<index: ...>) are not supported: "
                           "MLIR's parser crashes on them; use array<i64: ...>");
    found = true;
  }
  return failure(found);
}
