//===- Ptxas.cpp - PTX to cubin with the CUDA toolkit's ptxas -------------===//
#include "Toolkit.h"
#include "kiln/Codegen/CUDA.h"

#include "llvm/Support/FileUtilities.h"

using namespace llvm;

namespace kiln {

Expected<std::string> assemblePTX(StringRef ptxas, StringRef ptx, StringRef chip,
                                  unsigned optLevel) {
  Expected<SmallString<128>> input = createToolkitTemporary("ptx");
  if (!input)
    return input.takeError();
  FileRemover removeInput(*input);
  Expected<SmallString<128>> output = createToolkitTemporary("cubin");
  if (!output)
    return output.takeError();
  FileRemover removeOutput(*output);
  if (Error e = writeToolkitInput(*input, ptx))
    return std::move(e);
  std::string arch = ("-arch=" + chip).str();
  std::string opt = "-O" + std::to_string(optLevel);
  if (Error e = runToolkitProgram(ptxas, {ptxas, arch, opt, *input, "-o", *output},
                                  ("for " + chip).str()))
    return std::move(e);
  return readToolkitOutput(*output, "cubin from ptxas");
}

} // namespace kiln
