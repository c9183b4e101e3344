//===- Target.h - CPU targets that kilnc compiles for ---------------------===//
#ifndef KILN_CODEGEN_TARGET_H
#define KILN_CODEGEN_TARGET_H

#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"
#include <memory>
#include <string>
#include <vector>

namespace kiln {

/// A resolved `--target=` entry.
struct CPUTarget {
  std::string name;     ///< as given: host, x86-64, x86-64-v2, x86-64-v3, x86-64-v4
  std::string triple;   ///< x86_64-unknown-linux-gnu
  std::string cpu;      ///< LLVM CPU name
  std::string features; ///< LLVM feature string, "+avx2,..." (host only)
  /// Features the code needs at run time, in GCC __builtin_cpu_supports spelling (kiln/abi.h).
  std::vector<std::string> requiredFeatures;
  /// 512 where zmm registers should be used for vectorized loops; 0 leaves LLVM's tuning.
  unsigned preferredVectorWidth = 0;

  /// Width of the widest vector registers the code may use, from requiredFeatures:
  /// 512 (AVX-512), 256 (AVX2) or 128.
  unsigned vectorRegisterBits() const;
  /// Whether the code may use AVX-512 VNNI (vpdpbusd on 512-bit vectors): only `host` on a CPU
  /// that has it, since no x86-64 level includes it.
  bool hasAVX512VNNI() const;
};

/// Resolves a target name; the error lists the supported names.
llvm::Expected<CPUTarget> resolveCPUTarget(llvm::StringRef name);

/// The names resolveCPUTarget accepts, for --help and diagnostics.
llvm::StringRef supportedCPUTargets();

/// A TargetMachine for `target` at optimization level 0-3 (PIC, so objects link into artifacts).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createTargetMachine(const CPUTarget &target,
                                                                         unsigned optLevel);

} // namespace kiln

#endif
