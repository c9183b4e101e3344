/* Calls the host-pointer CUDA entry of graph @scale (test/tools/kiln-run/Inputs/cuda.mlir) and
 * compares its output with the CPU entry's. Prints the status, the runtime's message on
 * failure, and whether the outputs agree (only a real GPU computes them). */
#include "kiln/runtime.h"
#include "net.h"

#include <math.h>
#include <stdio.h>

int main(void) {
  static float x[1000], cpu[1000], gpu[1000];
  for (int i = 0; i < 1000; ++i)
    x[i] = (float)i;
  if (scale(NULL, x, cpu) != 0)
    return 2;
  int32_t status = scale_cuda_host(NULL, x, gpu);
  printf("status %s\n", kiln_status_string((kiln_status)status));
  if (status != 0)
    printf("error: %s\n", kiln_last_error());
  float worst = 0;
  for (int i = 0; i < 1000; ++i)
    worst = fmaxf(worst, fabsf(gpu[i] - cpu[i]) / fabsf(cpu[i]));
  printf("matches the CPU entry: %s\n", worst <= 1e-6f ? "yes" : "no");
  return 0;
}
