/* Links an object compiled for three x86-64 levels and checks that its entries run the level
 * this CPU supports (as GCC's __builtin_cpu_supports sees it) and compute the right result. */
#include "variants.h"

#include <stdio.h>
#include <string.h>

static const char *expected_variant(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2"))
    return "x86-64-v4";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("avx"))
    return "x86-64-v3";
  return "x86-64-v2";
}

int main(void) {
  enum { N = (int)KILN_VARIANTS_SCALE_X_NUMEL };
  float a[N], y[N];
  for (int i = 0; i < N; ++i)
    a[i] = (float)i - 500.0f;
  /* Before any call: the name function makes the choice itself. */
  const char *before = variants_cpu_variant();
  if (scale(NULL, a, y) != 0)
    return 1;
  for (int i = 0; i < N; ++i) {
    float want = a[i] > 0.0f ? a[i] * 3.0f : 0.0f;
    if (y[i] != want) {
      printf("y[%d] = %g, want %g\n", i, y[i], want);
      return 1;
    }
  }
  const char *ran = variants_cpu_variant();
  printf("variant %s, expected %s, before the first call %s\n", ran, expected_variant(), before);
  return strcmp(ran, expected_variant()) != 0 || strcmp(before, ran) != 0;
}
