// CpuFeatures.cpp - checks an artifact's required CPU features (GCC __builtin_cpu_supports names).
#include "Internal.h"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

namespace {

struct Feature {
  const char *name;
  bool (*supported)();
};

#define KILN_BUILTIN_FEATURE(NAME) {NAME, [] { return __builtin_cpu_supports(NAME) != 0; }}

#if defined(__clang__)
// Clang's __builtin_cpu_supports rejects some of GCC's names at compile time (clang 14 lacks
// f16c, lzcnt, movbe and xsave, which x86-64-v3 code needs), so those read cpuid directly.
bool cpuidBit(unsigned leaf, unsigned subleaf, int reg, unsigned bit) {
  unsigned regs[4] = {0, 0, 0, 0};
  if (!__get_cpuid_count(leaf, subleaf, &regs[0], &regs[1], &regs[2], &regs[3]))
    return false;
  return (regs[reg] >> bit) & 1u;
}
enum { EAX, EBX, ECX, EDX };
#define KILN_CPUID_FEATURE(NAME, LEAF, REG, BIT) {NAME, [] { return cpuidBit(LEAF, 0, REG, BIT); }}
#endif

// Every name kilnc may list. An artifact naming anything else is refused rather than trusted.
const Feature features[] = {
    KILN_BUILTIN_FEATURE("cmov"),
    KILN_BUILTIN_FEATURE("mmx"),
    KILN_BUILTIN_FEATURE("popcnt"),
    KILN_BUILTIN_FEATURE("sse"),
    KILN_BUILTIN_FEATURE("sse2"),
    KILN_BUILTIN_FEATURE("sse3"),
    KILN_BUILTIN_FEATURE("ssse3"),
    KILN_BUILTIN_FEATURE("sse4.1"),
    KILN_BUILTIN_FEATURE("sse4.2"),
    KILN_BUILTIN_FEATURE("sse4a"),
    KILN_BUILTIN_FEATURE("avx"),
    KILN_BUILTIN_FEATURE("avx2"),
    KILN_BUILTIN_FEATURE("fma"),
    KILN_BUILTIN_FEATURE("fma4"),
    KILN_BUILTIN_FEATURE("xop"),
    KILN_BUILTIN_FEATURE("bmi"),
    KILN_BUILTIN_FEATURE("bmi2"),
    KILN_BUILTIN_FEATURE("aes"),
    KILN_BUILTIN_FEATURE("pclmul"),
    KILN_BUILTIN_FEATURE("gfni"),
    KILN_BUILTIN_FEATURE("vpclmulqdq"),
    KILN_BUILTIN_FEATURE("avx512f"),
    KILN_BUILTIN_FEATURE("avx512vl"),
    KILN_BUILTIN_FEATURE("avx512bw"),
    KILN_BUILTIN_FEATURE("avx512dq"),
    KILN_BUILTIN_FEATURE("avx512cd"),
    KILN_BUILTIN_FEATURE("avx512er"),
    KILN_BUILTIN_FEATURE("avx512pf"),
    KILN_BUILTIN_FEATURE("avx512vbmi"),
    KILN_BUILTIN_FEATURE("avx512vbmi2"),
    KILN_BUILTIN_FEATURE("avx512ifma"),
    KILN_BUILTIN_FEATURE("avx512vnni"),
    KILN_BUILTIN_FEATURE("avx512bitalg"),
    KILN_BUILTIN_FEATURE("avx512bf16"),
    KILN_BUILTIN_FEATURE("avx512vpopcntdq"),
    KILN_BUILTIN_FEATURE("avx512vp2intersect"),
    KILN_BUILTIN_FEATURE("avx5124vnniw"),
    KILN_BUILTIN_FEATURE("avx5124fmaps"),
#if defined(__clang__)
    // f16c is only usable with AVX state enabled by the OS, which the "avx" check covers.
    {"f16c", [] { return __builtin_cpu_supports("avx") && cpuidBit(1, 0, ECX, 29); }},
    KILN_CPUID_FEATURE("movbe", 1, ECX, 22),
    KILN_CPUID_FEATURE("xsave", 1, ECX, 26),
    KILN_CPUID_FEATURE("lzcnt", 0x80000001, ECX, 5),
#else
    KILN_BUILTIN_FEATURE("f16c"),
    KILN_BUILTIN_FEATURE("movbe"),
    KILN_BUILTIN_FEATURE("xsave"),
    KILN_BUILTIN_FEATURE("lzcnt"),
    KILN_BUILTIN_FEATURE("abm"),
    KILN_BUILTIN_FEATURE("adx"),
    KILN_BUILTIN_FEATURE("sha"),
    KILN_BUILTIN_FEATURE("vaes"),
    KILN_BUILTIN_FEATURE("rdrnd"),
    KILN_BUILTIN_FEATURE("rdseed"),
    KILN_BUILTIN_FEATURE("avxvnni"),
    KILN_BUILTIN_FEATURE("avx512fp16"),
#endif
};

const Feature *findFeature(const std::string &name) {
  for (const Feature &feature : features)
    if (name == feature.name)
      return &feature;
  return nullptr;
}

} // namespace

kiln_status kiln::checkCpuFeatures(const char *list, std::string &error) {
  // The artifact may be loaded from a static constructor, before libgcc's own initializer ran.
  __builtin_cpu_init();
  std::string missing;
  for (const char *p = list ? list : ""; *p;) {
    size_t length = std::strcspn(p, ",");
    std::string name(p, length);
    p += length + (p[length] == ',');
    if (name.empty())
      continue;
    const Feature *feature = findFeature(name);
    if (!feature) {
      error = "unknown CPU feature '" + name + "' in the artifact's requirements";
      return KILN_ERROR_UNSUPPORTED_CPU;
    }
    if (!feature->supported())
      missing += (missing.empty() ? "" : ",") + name;
  }
  if (missing.empty())
    return KILN_OK;
  error = "this CPU lacks " + missing + ", which the code requires";
  return KILN_ERROR_UNSUPPORTED_CPU;
}

#else

kiln_status kiln::checkCpuFeatures(const char *list, std::string &error) {
  if (!list || !*list)
    return KILN_OK;
  error = std::string("cannot check the required CPU features '") + list +
          "': feature detection is only implemented for x86";
  return KILN_ERROR_UNSUPPORTED_CPU;
}

#endif
