//===- CUDA.h - PTX to cubin and fat binary with the CUDA toolkit ---------===//
#ifndef KILN_CODEGEN_CUDA_H
#define KILN_CODEGEN_CUDA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>

namespace kiln {

/// Code for one SM architecture, as embedded in an artifact (kiln_cuda_image in kiln/abi.h).
struct CUDAImage {
  unsigned sm;     ///< 80 for sm_80
  uint32_t format; ///< KILN_CUDA_CUBIN or KILN_CUDA_PTX
  std::string data;
};

/// 80 for "sm_80", 90 for "sm_90"; an error for anything else.
llvm::Expected<unsigned> parseSMArchitecture(llvm::StringRef chip);

/// The CUDA toolkit to use: `cudaPath` if given, else $CUDA_PATH, else /usr/local/cuda.
std::string resolveCUDAPath(llvm::StringRef cudaPath);

/// The toolkit's program `name` (<toolkit>/bin/<name>: ptxas, fatbinary); the error names
/// where it looked.
llvm::Expected<std::string> findToolkitProgram(llvm::StringRef toolkit, llvm::StringRef name);

/// Checks that the toolkit has the libdevice that kernels using math functions link.
llvm::Error checkLibdevice(llvm::StringRef toolkit);

/// Assembles `ptx` for `chip` ("sm_90") with ptxas at -O`optLevel`; the error quotes ptxas.
llvm::Expected<std::string> assemblePTX(llvm::StringRef ptxas, llvm::StringRef ptx,
                                        llvm::StringRef chip, unsigned optLevel);

/// Packs `images` into one fat binary with the toolkit's `fatbinary`, the format of the
/// `.nv_fatbin` sections that nvcc writes (fatbinary leaves cubins without debug information
/// uncompressed, so their bytes appear in it unchanged).
llvm::Expected<std::string> packFatbinary(llvm::StringRef fatbinary,
                                          llvm::ArrayRef<CUDAImage> images);

} // namespace kiln

#endif
