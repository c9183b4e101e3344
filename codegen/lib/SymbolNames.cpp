//===- SymbolNames.cpp - Graph names as C symbols -------------------------===//
//
// A graph's C entries are named after it (docs/design.md: @mlp becomes `mlp`, `mlp_argv`, ...), in
// the one namespace that C programs and the dynamic linker share. A name that is not a C
// identifier or is a keyword breaks the header; one that is a C library function replaces that
// function in programs that link the artifact, including the artifact's own calls (a graph
// named `exp` that computes exp in f64 calls itself); one that equals another graph's entry
// is a duplicate symbol. kilnc refuses them all, at the graph.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/Emitters.h"
#include "kiln/Codegen/Signature.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace kiln {

bool isCOrCxxKeyword(StringRef name) {
  static const char *const keywords[] = {
      "_Bool",     "auto",    "bool",     "break",   "case",      "char",   "class",    "const",
      "continue",  "default", "delete",   "do",      "double",    "else",   "enum",     "extern",
      "false",     "float",   "for",      "goto",    "if",        "inline", "int",      "long",
      "namespace", "new",     "operator", "private", "protected", "public", "register", "restrict",
      "return",    "short",   "signed",   "sizeof",  "static",    "struct", "switch",   "template",
      "this",      "true",    "typedef",  "union",   "unsigned",  "using",  "virtual",  "void",
      "volatile",  "while"};
  return llvm::is_contained(keywords, name);
}

namespace {

/// The functions of C's <math.h> (each with its f and l variants), which the generated code
/// calls or LLVM calls for it, and the C library functions it calls for memory.
bool isCLibraryFunction(StringRef name) {
  static const char *const math[] = {
      "acos",  "acosh",     "asin",      "asinh",      "atan",   "atan2",     "atanh",  "cbrt",
      "ceil",  "copysign",  "cos",       "cosh",       "erf",    "erfc",      "exp",    "exp10",
      "exp2",  "expm1",     "fabs",      "fdim",       "floor",  "fma",       "fmax",   "fmin",
      "fmod",  "frexp",     "hypot",     "ilogb",      "ldexp",  "lgamma",    "llrint", "llround",
      "log",   "log10",     "log1p",     "log2",       "logb",   "lrint",     "lround", "modf",
      "nan",   "nearbyint", "nextafter", "nexttoward", "pow",    "remainder", "remquo", "rint",
      "round", "scalbln",   "scalbn",    "sin",        "sincos", "sinh",      "sqrt",   "tan",
      "tanh",  "tgamma",    "trunc"};
  static const char *const memory[] = {"aligned_alloc",  "calloc",  "free",    "malloc",
                                       "memcmp",         "memcpy",  "memmove", "memset",
                                       "posix_memalign", "realloc", "abort",   "main"};
  if (llvm::is_contained(memory, name))
    return true;
  for (const char *function : math)
    if (name == function || (name.size() == strlen(function) + 1 && name.starts_with(function) &&
                             (name.back() == 'f' || name.back() == 'l')))
      return true;
  return false;
}

/// Why `name` cannot be a graph's, or "".
std::string problemWithName(StringRef name) {
  if (!isCIdentifier(name))
    return "is not a C identifier";
  if (isCOrCxxKeyword(name))
    return "is a C or C++ keyword";
  if (name.starts_with("__") || (name.size() > 1 && name[0] == '_' && llvm::isUpper(name[1])))
    return "is reserved to the C implementation";
  if (name.starts_with("kiln_"))
    return "is in the runtime's kiln_ namespace";
  if (isCLibraryFunction(name))
    return "is a C library function, which the graph's C entry would replace in programs "
           "that link the artifact, the artifact's own calls included";
  return "";
}

} // namespace

LogicalResult verifyGraphSymbols(ModuleOp module, StringRef moduleName) {
  // Every symbol the artifact defines, and what defines it.
  llvm::StringMap<std::string> defined;
  defined[cpuVariantSymbol(moduleName)] = "the module's CPU variant query";
  defined[moduleMetadataSymbol(moduleName)] = "the module's metadata";
  for (GraphOp graph : module.getOps<GraphOp>())
    for (StringRef suffix :
         {kArgvEntrySuffix, kCUDAEntrySuffix, kCUDAArgvEntrySuffix, kCUDAHostEntrySuffix})
      defined[(graph.getSymName() + suffix).str()] =
          ("an entry of graph '" + graph.getSymName() + "'").str();
  bool ok = true;
  for (GraphOp graph : module.getOps<GraphOp>()) {
    StringRef name = graph.getSymName();
    std::string problem = problemWithName(name);
    if (problem.empty())
      if (auto it = defined.find(name); it != defined.end())
        problem = "is also the name of " + it->second;
    if (problem.empty())
      continue;
    graph.emitError() << "graph name '" << name << "' " << problem
                      << "; its C entry is named after it: rename the graph";
    ok = false;
  }
  return success(ok);
}

} // namespace kiln
