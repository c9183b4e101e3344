//===- Toolkit.cpp - Finding and running the CUDA toolkit's programs ------===//
#include "Toolkit.h"
#include "kiln/Codegen/CUDA.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kiln {

Expected<unsigned> parseSMArchitecture(StringRef chip) {
  unsigned sm = 0;
  if (!chip.consume_front("sm_") || chip.getAsInteger(10, sm) || sm < 50 || sm >= 1000)
    return createStringError("unknown CUDA architecture '%s' (expected sm_NN, e.g. sm_80 or "
                             "sm_90)",
                             chip.str().c_str());
  return sm;
}

std::string resolveCUDAPath(StringRef cudaPath) {
  if (!cudaPath.empty())
    return cudaPath.str();
  if (std::optional<std::string> env = sys::Process::GetEnv("CUDA_PATH"))
    if (!env->empty())
      return *env;
  return "/usr/local/cuda";
}

Expected<std::string> findToolkitProgram(StringRef toolkit, StringRef name) {
  SmallString<128> path(toolkit);
  sys::path::append(path, "bin", name);
  if (!sys::fs::can_execute(path))
    return createStringError("cannot find %s at '%s': install the CUDA toolkit, or name "
                             "its folder with --cuda-path or CUDA_PATH",
                             name.str().c_str(), path.c_str());
  return std::string(path);
}

Error checkLibdevice(StringRef toolkit) {
  SmallString<128> path(toolkit);
  sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
  if (!sys::fs::exists(path))
    return createStringError("cannot find libdevice at '%s': the CUDA toolkit at '%s' is "
                             "incomplete (name another with --cuda-path or CUDA_PATH)",
                             path.c_str(), toolkit.str().c_str());
  return Error::success();
}

Expected<SmallString<128>> createToolkitTemporary(StringRef suffix) {
  SmallString<128> path;
  if (std::error_code ec = sys::fs::createTemporaryFile("kilnc-cuda", suffix, path))
    return createStringError(ec, "cannot create a temporary file: %s", ec.message().c_str());
  return path;
}

Error writeToolkitInput(StringRef path, StringRef contents) {
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (!ec) {
    os << contents;
    os.close();
    ec = os.error();
  }
  if (ec)
    return createStringError(ec, "cannot write '%s': %s", path.str().c_str(), ec.message().c_str());
  return Error::success();
}

Error runToolkitProgram(StringRef program, ArrayRef<StringRef> args, StringRef purpose) {
  Expected<SmallString<128>> log = createToolkitTemporary("log");
  if (!log)
    return log.takeError();
  FileRemover removeLog(*log);
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(*log), StringRef(*log)};
  std::string message;
  int rc = sys::ExecuteAndWait(program, args, std::nullopt, redirects, 0, 0, &message);
  if (rc == 0)
    return Error::success();
  ErrorOr<std::unique_ptr<MemoryBuffer>> text = MemoryBuffer::getFile(*log);
  std::string details = text ? (*text)->getBuffer().trim().str() : message;
  return createStringError("%s (%s) failed %s: %s", sys::path::filename(program).str().c_str(),
                           program.str().c_str(), purpose.str().c_str(), details.c_str());
}

Expected<std::string> readToolkitOutput(StringRef path, StringRef what) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> output = MemoryBuffer::getFile(path);
  if (!output)
    return createStringError(output.getError(), "cannot read the %s: %s", what.str().c_str(),
                             output.getError().message().c_str());
  return (*output)->getBuffer().str();
}

} // namespace kiln
