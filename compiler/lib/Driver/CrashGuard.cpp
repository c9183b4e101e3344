//===- CrashGuard.cpp - Crashes reported as internal errors ---------------===//
//
// The guard replaces the crash handler of llvm::InitLLVM with one that prints the internal-error
// line, then does what LLVM's does (remove the files registered for removal, run the callbacks
// that print the bug-report message and the stack dump), and exits with kInternalErrorExit
// instead of re-raising the signal. Everything on the crash path is async-signal-safe: the
// context lives in fixed thread-local buffers, formatted when a pass or phase begins.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/CrashGuard.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/PrettyStackTrace.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <iterator>
#include <unistd.h>

using namespace llvm;

namespace kiln {
namespace {

cl::opt<std::string> crashTest("kiln-internal-crash-test", cl::ReallyHidden,
                               cl::desc("Crash on purpose when this pass or phase begins (tests "
                                        "of the crash guard)"));

// What the thread is doing, innermost last: phases and (nested) passes.
constexpr int maxDepth = 16;
constexpr size_t contextBytes = 400;
thread_local char contexts[maxDepth][contextBytes];
thread_local int depth = 0;

char toolName[64] = "kiln";
volatile sig_atomic_t crashSignal = 0;

// The signals LLVM's handler treats as crashes.
constexpr int crashSignals[] = {SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGBUS, SIGSEGV, SIGSYS};

void push(StringRef text) {
  if (depth < maxDepth) {
    size_t bytes = std::min(text.size(), contextBytes - 1);
    std::memcpy(contexts[depth], text.data(), bytes);
    contexts[depth][bytes] = '\0';
  }
  ++depth;
}

void pop() { --depth; }

void crashIfTested(StringRef key) {
  if (!crashTest.empty() && crashTest == key)
    std::raise(SIGSEGV);
}

void writeText(const char *text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, text, left);
    if (written <= 0)
      return;
    text += written;
    left -= static_cast<size_t>(written);
  }
}

const char *signalDescription(int signal) {
  switch (signal) {
  case SIGSEGV:
    return "segmentation fault";
  case SIGBUS:
    return "bus error";
  case SIGABRT:
    return "abort";
  case SIGILL:
    return "illegal instruction";
  case SIGFPE:
    return "arithmetic exception";
  case SIGTRAP:
    return "trap";
  default:
    return "crash";
  }
}

void writeInternalError() {
  writeText(toolName);
  writeText(": internal error: ");
  writeText(signalDescription(crashSignal));
  if (depth > 0) {
    writeText(" ");
    writeText(contexts[std::min(depth, maxDepth) - 1]);
  }
  writeText("; no output was written. This is a bug in Kiln: please report it with the input "
            "and the command line.\n");
}

// Replaces LLVM's handler for the crash signals. The line comes first, so that it is there even
// when what follows fails: LLVM's callbacks (the bug-report message, the stack dump) may run
// after a stack overflow, and a second fault inside them re-enters here (SA_NODEFER) and exits.
void onCrash(int signal, siginfo_t *, void *) {
  static volatile sig_atomic_t handling = 0;
  if (handling)
    ::_exit(kInternalErrorExit);
  handling = 1;
  crashSignal = signal;
  sys::RunInterruptHandlers(); // removes the files registered with RemoveFileOnSignal
  writeInternalError();
  sys::RunSignalHandlers();
  ::_exit(kInternalErrorExit);
}

// Signal handlers run on this stack, so that a stack overflow can still be reported; the one
// LLVM installs (64 KiB) is too small for its stack dump after a deep recursion.
void installAlternateStack() {
  constexpr size_t bytes = size_t(1) << 20;
  static char *memory = new char[bytes];
  stack_t stack = {};
  stack.ss_sp = memory;
  stack.ss_size = bytes;
  sigaltstack(&stack, nullptr);
}

// Where each pass runs: `pass 'canonicalize' on 'func.func' @mlp at model.mlir:3:1`.
std::string describe(mlir::Pass *pass, mlir::Operation *op) {
  std::string text;
  raw_string_ostream os(text);
  StringRef name = pass->getArgument();
  os << "in pass '" << (name.empty() ? pass->getName() : name) << "' on '" << op->getName() << "'";
  if (auto symbol = op->getAttrOfType<mlir::StringAttr>(mlir::SymbolTable::getSymbolAttrName()))
    os << " @" << symbol.getValue();
  auto file = op->getLoc()->findInstanceOf<mlir::FileLineColLoc>();
  if (file && file.getLine() > 0)
    os << " at " << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  return text;
}

struct CrashContextInstrumentation : mlir::PassInstrumentation {
  void runBeforePass(mlir::Pass *pass, mlir::Operation *op) override {
    push(describe(pass, op));
    crashIfTested(pass->getArgument());
  }
  void runAfterPass(mlir::Pass *, mlir::Operation *) override { pop(); }
  void runAfterPassFailed(mlir::Pass *, mlir::Operation *) override { pop(); }
};

} // namespace

void installCrashGuard(StringRef tool) {
  size_t bytes = std::min(tool.size(), sizeof toolName - 1);
  std::memcpy(toolName, tool.data(), bytes);
  toolName[bytes] = '\0';
  static std::string bugReport = ("PLEASE report this bug in Kiln (" + tool +
                                  "), with the input, the command line and the "
                                  "stack dump below.\n")
                                     .str();
  setBugReportMsg(bugReport.c_str());
  installAlternateStack();
  for (int signal : crashSignals) {
    struct sigaction action = {};
    action.sa_sigaction = onCrash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, nullptr);
  }
}

CrashPhase::CrashPhase(StringRef key, StringRef what) {
  push(("while " + what).str());
  crashIfTested(key);
}

CrashPhase::~CrashPhase() { pop(); }

void addCrashContext(mlir::PassManager &pm) {
  pm.addInstrumentation(std::make_unique<CrashContextInstrumentation>());
}

} // namespace kiln
