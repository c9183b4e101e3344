//===- Target.cpp - CPU targets that kilnc compiles for -------------------===//
#include "kiln/Codegen/Target.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

using namespace llvm;

namespace kiln {

namespace {
// The x86-64 micro-architecture levels, in the spelling of GCC's __builtin_cpu_supports, which
// the runtime checks before it calls anything (kiln/abi.h).
const char *const kV2Features[] = {"sse3", "ssse3", "sse4.1", "sse4.2", "popcnt"};
const char *const kV3Features[] = {"avx", "avx2", "bmi", "bmi2", "f16c", "fma"};
const char *const kV4Features[] = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"};

void appendLevel(std::vector<std::string> &features, ArrayRef<const char *> level) {
  features.insert(features.end(), level.begin(), level.end());
}
} // namespace

StringRef supportedCPUTargets() { return "host, x86-64, x86-64-v2, x86-64-v3, x86-64-v4"; }

Expected<CPUTarget> resolveCPUTarget(StringRef name) {
  CPUTarget target;
  target.name = name.str();
  target.triple = "x86_64-unknown-linux-gnu";
  int level = StringSwitch<int>(name)
                  .Case("x86-64", 1)
                  .Case("x86-64-v2", 2)
                  .Case("x86-64-v3", 3)
                  .Case("x86-64-v4", 4)
                  .Case("host", 0)
                  .Default(-1);
  if (level < 0)
    return createStringError("unknown target '%s' (supported: %s)", name.str().c_str(),
                             supportedCPUTargets().str().c_str());
  if (level > 0) {
    target.cpu = name.str();
    if (level >= 2)
      appendLevel(target.requiredFeatures, kV2Features);
    if (level >= 3)
      appendLevel(target.requiredFeatures, kV3Features);
    if (level >= 4) {
      appendLevel(target.requiredFeatures, kV4Features);
      target.preferredVectorWidth = 512;
    }
    return target;
  }

  // host: this CPU's exact features; the artifact then requires those the runtime can check.
  target.cpu = sys::getHostCPUName().str();
  StringMap<bool, MallocAllocator> hostFeatures = sys::getHostCPUFeatures();
  std::vector<std::string> enabled;
  for (const auto &feature : hostFeatures)
    enabled.push_back((feature.second ? "+" : "-") + feature.first().str());
  llvm::sort(enabled);
  target.features = llvm::join(enabled, ",");
  for (ArrayRef<const char *> level :
       {ArrayRef(kV2Features), ArrayRef(kV3Features), ArrayRef(kV4Features)})
    for (const char *feature : level)
      if (hostFeatures.lookup(feature))
        target.requiredFeatures.push_back(feature);
  if (hostFeatures.lookup("avx512f") && hostFeatures.lookup("avx512vnni"))
    target.requiredFeatures.push_back("avx512vnni");
  return target;
}

unsigned CPUTarget::vectorRegisterBits() const {
  if (llvm::is_contained(requiredFeatures, "avx512f"))
    return 512;
  if (llvm::is_contained(requiredFeatures, "avx2"))
    return 256;
  return 128;
}

bool CPUTarget::hasAVX512VNNI() const { return llvm::is_contained(requiredFeatures, "avx512vnni"); }

Expected<std::unique_ptr<TargetMachine>> createTargetMachine(const CPUTarget &target,
                                                             unsigned optLevel) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  // The CPU variant dispatch reads cpuid with inline assembly, which the object streamer parses.
  InitializeNativeTargetAsmParser();
  std::string error;
  Triple triple(target.triple);
  const Target *llvmTarget = TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return createStringError("cannot create a code generator for %s: %s", target.triple.c_str(),
                             error.c_str());
  TargetOptions options;
  auto level = optLevel == 0   ? CodeGenOptLevel::None
               : optLevel == 1 ? CodeGenOptLevel::Less
               : optLevel == 2 ? CodeGenOptLevel::Default
                               : CodeGenOptLevel::Aggressive;
  std::unique_ptr<TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options, Reloc::PIC_, std::nullopt, level));
  if (!machine)
    return createStringError("cannot create a target machine for CPU '%s'", target.cpu.c_str());
  return machine;
}

} // namespace kiln
