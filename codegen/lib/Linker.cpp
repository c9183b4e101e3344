//===- Linker.cpp - Shared artifacts through the system compiler driver ---===//
//
// A Kiln artifact is an ordinary ELF shared object. The system's `cc` links it (with libm for
// the transcendentals that stay library calls) because the installed LLVM packages carry no
// linker library; lld would be the alternative if it ever becomes a dependency anyway.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/Emitters.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kiln {

namespace {
/// Removes a temporary file when it goes out of scope, whatever happened.
struct TempFile {
  SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      sys::fs::remove(path);
  }
};

Error createTempNextTo(StringRef target, StringRef suffix, TempFile &file) {
  SmallString<128> model(target);
  model += ".tmp-%%%%%%";
  model += suffix;
  int fd;
  if (std::error_code ec = sys::fs::createUniqueFile(model, fd, file.path))
    return createStringError(ec, "cannot create a file next to '%s': %s", target.str().c_str(),
                             ec.message().c_str());
  sys::Process::SafelyCloseFileDescriptor(fd);
  return Error::success();
}
} // namespace

Error linkSharedArtifact(StringRef object, StringRef outputPath) {
  ErrorOr<std::string> cc = sys::findProgramByName("cc");
  if (!cc)
    return createStringError("cannot link '%s': no C compiler driver 'cc' on PATH",
                             outputPath.str().c_str());
  TempFile objectFile, sharedFile;
  if (Error e = createTempNextTo(outputPath, ".o", objectFile))
    return e;
  if (Error e = createTempNextTo(outputPath, ".so", sharedFile))
    return e;
  {
    std::error_code ec;
    raw_fd_ostream os(objectFile.path, ec);
    if (ec)
      return createStringError(ec, "cannot write '%s': %s", objectFile.path.c_str(),
                               ec.message().c_str());
    os << object;
  }
  SmallVector<StringRef> args = {*cc, "-shared", "-o", sharedFile.path, objectFile.path, "-lm"};
  std::string message;
  int rc = sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return createStringError("linking '%s' with %s failed%s%s", outputPath.str().c_str(),
                             cc->c_str(), message.empty() ? "" : ": ", message.c_str());
  if (std::error_code ec = sys::fs::rename(sharedFile.path, outputPath))
    return createStringError(ec, "cannot write '%s': %s", outputPath.str().c_str(),
                             ec.message().c_str());
  sharedFile.path.clear();
  return Error::success();
}

} // namespace kiln
