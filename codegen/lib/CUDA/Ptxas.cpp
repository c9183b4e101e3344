//===- Ptxas.cpp - PTX to cubin with the CUDA toolkit's ptxas -------------===//
//
// ptxas is the only assembler of PTX to SASS: NVIDIA documents no library for it beyond
// nvPTXCompiler, which would make kilnc link the toolkit. Kiln runs the executable instead,
// through temporary files that are removed whatever happens.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/CUDA.h"

#include "llvm/ADT/StringExtras.h"
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

Expected<std::string> findPtxas(StringRef toolkit) {
  SmallString<128> path(toolkit);
  sys::path::append(path, "bin", "ptxas");
  if (!sys::fs::can_execute(path))
    return createStringError("cannot find ptxas at '%s': install the CUDA toolkit, or name "
                             "its folder with --cuda-path or CUDA_PATH",
                             path.c_str());
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

namespace {
Expected<SmallString<128>> createTemporary(StringRef suffix) {
  SmallString<128> path;
  if (std::error_code ec = sys::fs::createTemporaryFile("kilnc-ptxas", suffix, path))
    return createStringError(ec, "cannot create a temporary file: %s", ec.message().c_str());
  return path;
}
} // namespace

Expected<std::string> assemblePTX(StringRef ptxas, StringRef ptx, StringRef chip,
                                  unsigned optLevel) {
  Expected<SmallString<128>> input = createTemporary("ptx");
  if (!input)
    return input.takeError();
  FileRemover removeInput(*input);
  Expected<SmallString<128>> output = createTemporary("cubin");
  if (!output)
    return output.takeError();
  FileRemover removeOutput(*output);
  Expected<SmallString<128>> log = createTemporary("log");
  if (!log)
    return log.takeError();
  FileRemover removeLog(*log);
  {
    std::error_code ec;
    raw_fd_ostream os(*input, ec);
    if (ec)
      return createStringError(ec, "cannot write '%s': %s", input->c_str(),
                               ec.message().c_str());
    os << ptx;
  }
  std::string arch = ("-arch=" + chip).str();
  std::string opt = "-O" + std::to_string(optLevel);
  SmallVector<StringRef> args = {ptxas, arch, opt, *input, "-o", *output};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(*log), StringRef(*log)};
  std::string message;
  int rc = sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0, &message);
  if (rc != 0) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> text = MemoryBuffer::getFile(*log);
    std::string details = text ? (*text)->getBuffer().trim().str() : message;
    return createStringError("ptxas (%s) failed for %s: %s", ptxas.str().c_str(),
                             chip.str().c_str(), details.c_str());
  }
  ErrorOr<std::unique_ptr<MemoryBuffer>> cubin = MemoryBuffer::getFile(*output);
  if (!cubin)
    return createStringError(cubin.getError(), "cannot read the cubin from ptxas: %s",
                             cubin.getError().message().c_str());
  return (*cubin)->getBuffer().str();
}

} // namespace kiln
