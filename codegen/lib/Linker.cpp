//===- Linker.cpp - Shared artifacts through the system compiler driver ---===//
//
// A Kiln artifact is an ordinary ELF shared object. The system's `cc` links it (with libm for
// the transcendentals that stay library calls) because the installed LLVM packages carry no
// linker library; lld would be the alternative if it ever becomes a dependency anyway. The linked
// file then gets the integrity trailer (kiln/abi.h) that the runtime checks before loading it.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/Emitters.h"

#include "kiln/abi.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kiln {

namespace {
/// Removes a temporary file when it goes out of scope, and if the compiler crashes before.
struct TempFile {
  SmallString<128> path;
  ~TempFile() {
    if (!path.empty()) {
      sys::fs::remove(path);
      sys::DontRemoveFileOnSignal(path);
    }
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
  sys::RemoveFileOnSignal(file.path);
  return Error::success();
}
/// Ends the linked file with the integrity trailer of kiln/abi.h, which the runtime checks before
/// it lets the dynamic loader map the file.
Error appendDigest(StringRef path, StringRef outputPath) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> linked = MemoryBuffer::getFile(path);
  if (!linked)
    return createStringError(linked.getError(), "cannot read the linked '%s': %s",
                             outputPath.str().c_str(), linked.getError().message().c_str());
  StringRef content = (*linked)->getBuffer();
  kiln_artifact_trailer trailer;
  std::memcpy(trailer.magic, KILN_TRAILER_MAGIC, sizeof trailer.magic);
  support::endian::write64le(&trailer.content_size, content.size());
  std::array<uint8_t, 32> digest = SHA256::hash(arrayRefFromStringRef(content));
  std::memcpy(trailer.sha256, digest.data(), digest.size());
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_Append);
  if (!ec)
    os.write(reinterpret_cast<const char *>(&trailer), sizeof trailer);
  os.close();
  if (ec || os.has_error())
    return createStringError(ec ? ec : os.error(), "cannot write '%s': %s",
                             outputPath.str().c_str(), (ec ? ec : os.error()).message().c_str());
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
  if (Error e = appendDigest(sharedFile.path, outputPath))
    return e;
  if (std::error_code ec = sys::fs::rename(sharedFile.path, outputPath))
    return createStringError(ec, "cannot write '%s': %s", outputPath.str().c_str(),
                             ec.message().c_str());
  sys::DontRemoveFileOnSignal(sharedFile.path);
  sharedFile.path.clear();
  return Error::success();
}

} // namespace kiln
