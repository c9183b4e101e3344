//===- Fatbinary.cpp - The images of an artifact as one CUDA fat binary ---===//
//
// An artifact's images are packed by the toolkit's fatbinary, as nvcc packs its own, so that
// cuobjdump and the other tools that read the `.nv_fatbin` section of host objects see Kiln's
// kernels too (Metadata.cpp places the result there).
//
//===----------------------------------------------------------------------===//
#include "Toolkit.h"
#include "kiln/Codegen/CUDA.h"
#include "kiln/abi.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileUtilities.h"

#include <list>

using namespace llvm;

namespace kiln {

Expected<std::string> packFatbinary(StringRef fatbinary, ArrayRef<CUDAImage> images) {
  // One temporary file per image. std::list never copies its elements as it grows: a copied
  // FileRemover would remove its file when the old copy is destroyed, and `args` refers into
  // `specs`.
  std::list<FileRemover> removers;
  std::list<std::string> specs;
  SmallVector<StringRef> args = {fatbinary, "-64"};
  for (const CUDAImage &image : images) {
    bool cubin = image.format == KILN_CUDA_CUBIN;
    Expected<SmallString<128>> input = createToolkitTemporary(cubin ? "cubin" : "ptx");
    if (!input)
      return input.takeError();
    removers.emplace_back(*input);
    if (Error e = writeToolkitInput(*input, image.data))
      return std::move(e);
    specs.push_back(("--image3=kind=" + Twine(cubin ? "elf" : "ptx") + ",sm=" + Twine(image.sm) +
                     ",file=" + *input)
                        .str());
    args.push_back(specs.back());
  }
  Expected<SmallString<128>> output = createToolkitTemporary("fatbin");
  if (!output)
    return output.takeError();
  FileRemover removeOutput(*output);
  std::string create = ("--create=" + *output).str();
  args.push_back(create);
  if (Error e = runToolkitProgram(fatbinary, args, "to pack the CUDA images"))
    return std::move(e);
  return readToolkitOutput(*output, "fat binary");
}

} // namespace kiln
